"""Signals that may point to child abuse or domestic violence, by age group.

Written in our own words as an aid for the first care step ("map the signals"). A signal
is a reason to look closer and to talk, never proof. The teacher ticks what they saw;
the list is stored with the entry.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COMMON = [
    ("injuries_unexplained", _("Blauwe plekken of verwondingen zonder duidelijke verklaring")),
    ("afraid_of_home", _("Is bang om naar huis te gaan of om ouders te vertellen wat er gebeurde")),
    ("sudden_change", _("Plotselinge verandering in gedrag, stemming of schoolprestaties")),
    ("neglect_care", _("Komt vaak hongerig, ongewassen of te dun gekleed naar school")),
    ("absent_often", _("Is vaak afwezig of te laat zonder goede reden")),
    ("withdrawn", _("Trekt zich terug, lijkt somber of angstig")),
    ("aggressive", _("Is opvallend agressief of grensoverschrijdend naar anderen")),
    ("medical_not_arranged", _("Nodige medische of andere zorg wordt niet geregeld")),
]
YOUNG = [
    ("regression", _("Valt terug in eerder gedrag (bedplassen, duimen, babytaal)")),
    ("frozen_watchfulness", _("Kijkt gespannen en waakzaam rond, verstijft bij aanraking")),
    ("sexual_play_unusual", _("Seksueel gedrag of kennis die niet bij de leeftijd past")),
    ("separation_distress", _("Heel erg van streek bij het afscheid of juist helemaal niet")),
]
SCHOOL_AGE = [
    ("tells_something", _("Vertelt zelf iets over geweld, ruzie of angst thuis")),
    ("covers_body", _("Bedekt het lichaam steeds, ook als het warm is of bij gym")),
    ("no_friends", _("Heeft geen vriendjes of wordt steeds buitengesloten")),
    ("self_blame", _("Geeft zichzelf overal de schuld van, erg laag zelfbeeld")),
]
TEENS = [
    ("self_harm", _("Verwondt zichzelf of praat over niet meer willen leven")),
    ("substances", _("Gebruikt alcohol of drugs")),
    ("runs_away", _("Loopt weg of wil niet naar huis")),
    ("controlled", _("Wordt opvallend gecontroleerd (telefoon, kleding, contacten)")),
    ("older_partner", _("Heeft een veel oudere vriend of vriendin, krijgt onverklaarbare cadeaus")),
]


def for_age(age: int) -> list[tuple[str, object]]:
    """The signals for a pupil of ``age``: the common ones plus those of the age group."""
    if age < 6:
        extra = YOUNG
    elif age < 12:
        extra = SCHOOL_AGE
    else:
        extra = TEENS
    return [*COMMON, *extra]


ALL = dict(COMMON + YOUNG + SCHOOL_AGE + TEENS)


def label(key: str) -> str:
    return str(ALL.get(key, key))
