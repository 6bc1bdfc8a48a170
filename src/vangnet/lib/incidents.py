"""The fixed national lists of incident registration (no Django imports).

Boards rename, reorder and switch off categories, but every category keeps one of these
national codes, so that boards stay comparable (docs/domain.md, module 2). Locations are
the board's own list, started from :data:`DEFAULT_LOCATIONS`.
"""

from __future__ import annotations

# code -> default Dutch label (the app marks the labels for translation)
NATIONAL_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("bullying", "Pesten"),
    ("online_bullying", "Online pesten"),
    ("sexual", "Seksueel grensoverschrijdend gedrag"),
    ("physical", "Fysiek geweld"),
    ("verbal", "Verbaal geweld"),
    ("threat", "Bedreiging"),
    ("intimidation", "Intimidatie"),
    ("discrimination", "Discriminatie"),
    ("radicalisation", "Radicalisering"),
    ("theft", "Diefstal"),
    ("vandalism", "Vernieling"),
    ("weapons", "Wapenbezit"),
    ("drugs_alcohol", "Drugs en alcohol"),
    ("other", "Anders"),
)
NATIONAL_CODES = frozenset(code for code, _label in NATIONAL_CATEGORIES)

# The category whose incidents are weighed with the flag system.
FLAG_CATEGORY = "sexual"

DEFAULT_LOCATIONS: tuple[str, ...] = (
    "Klaslokaal",
    "Schoolplein",
    "Toiletten",
    "Gymzaal en kleedkamers",
    "Gang en trappen",
    "Op weg van of naar school",
    "Online",
    "Schoolreis of excursie",
    "Overblijf en buitenschoolse opvang",
    "Elders",
)

SEVERITIES: tuple[str, ...] = ("minor", "serious", "very_serious")

# Neutral roles of the people involved: never "perpetrator" or "victim".
ROLES: tuple[str, ...] = ("initiator", "affected", "bystander", "staff", "parent", "outsider")
PUPIL_ROLES = frozenset({"initiator", "affected", "bystander"})
