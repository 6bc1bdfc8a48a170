"""The rules for what a concern may say (no Django imports; property-tested).

A logbook entry consists of statements, each of one kind:

* an **observed fact** — behaviour or words the professional saw or heard themselves;
* an **account** by someone else — only with the source named, and only stored when the
  source agrees; without consent the text is not kept (the entry records that an account
  existed and that it was not written down);
* a **suspicion or interpretation** — marked as such, never presented as fact;
* a **diagnosis** — only when made by a qualified professional, named, with a BIG
  registration number (11 digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FACT = "fact"
ACCOUNT = "account"
SUSPICION = "suspicion"
DIAGNOSIS = "diagnosis"
KINDS = (FACT, ACCOUNT, SUSPICION, DIAGNOSIS)

MAX_TEXT = 5000
BIG_NUMBER = re.compile(r"^\d{11}$")


@dataclass(frozen=True)
class Statement:
    kind: str
    text: str
    source: str = ""
    source_consent: bool = True
    professional: str = ""
    registration: str = ""


@dataclass(frozen=True)
class Problem:
    field: str
    code: str


def problems(s: Statement) -> list[Problem]:
    """Everything wrong with a statement; empty when it may be stored."""
    found: list[Problem] = []
    if s.kind not in KINDS:
        return [Problem("kind", "unknown_kind")]
    text = s.text.strip()
    stores_text = s.kind != ACCOUNT or s.source_consent
    if stores_text and not text:
        found.append(Problem("text", "text_required"))
    if len(text) > MAX_TEXT:
        found.append(Problem("text", "text_too_long"))
    if s.kind == ACCOUNT and not s.source.strip():
        found.append(Problem("source", "source_required"))
    if s.kind == DIAGNOSIS:
        if not s.professional.strip():
            found.append(Problem("professional", "professional_required"))
        if not BIG_NUMBER.match(s.registration.strip()):
            found.append(Problem("registration", "registration_invalid"))
    return found


def stored_text(s: Statement) -> str:
    """What is kept of the statement's text: nothing for an account without consent."""
    if s.kind == ACCOUNT and not s.source_consent:
        return ""
    return s.text.strip()


def initials(full_name: str) -> str:
    """'Sanne de Wit' -> 'S.d.W.'; the way other persons appear in a dossier."""
    parts = [p for p in re.split(r"[\s\-]+", full_name.strip()) if p]
    return "".join(f"{p[0]}." for p in parts)


def names_in(text: str, known: list[str]) -> list[str]:
    """Known full names (first and last name both present) that appear in ``text``."""
    found = []
    for name in known:
        pattern = r"\b" + r"\s+".join(re.escape(w) for w in name.split()) + r"\b"
        if len(name.split()) >= 2 and re.search(pattern, text, flags=re.IGNORECASE):
            found.append(name)
    return found


def replace_names(text: str, known: list[str]) -> str:
    """Replace every known full name in ``text`` by its initials."""
    for name in sorted(known, key=len, reverse=True):
        if len(name.split()) < 2:
            continue
        pattern = r"\b" + r"\s+".join(re.escape(w) for w in name.split()) + r"\b"
        text = re.sub(pattern, initials(name), text, flags=re.IGNORECASE)
    return text
