"""Known people's names in free text replaced by a stand-in (no Django imports).

Used for documents that must not name people: the incident report for parents
(:mod:`vangnet.incidents.parent_export`) and, later, the pseudonymised care-meeting agenda.
The caller lists the people it knows (pupils, guardians, staff), each with the text that
takes their place (``"[een andere leerling]"``, ``"leerling A"``, initials, ...), and
:class:`Pseudonymiser` replaces them; :meth:`Pseudonymiser.find` is the last guard before a
document leaves: it returns every known name still present.

What counts as a person's name (first name F, optional prefix P such as "van der", last
name L):

* "F P L", "F L" and "P L" ("Van der Berg" as well as "van der Berg"), and "F. P L" with
  the first initial;
* L alone and F alone, and each part of three letters or more of a double or hyphenated
  name ("Jan-Willem" also "Jan" and "Willem", "El Amrani" also "Amrani");
* the dotted initials, with their capitals exactly as written: "S.d.V.", "S.D.V." and
  "S.V." for Sem de Vries (so the abbreviation "i.v.m." stays while "I.v.M." goes); their
  closing dot goes with them, unless it also ends the sentence;
* each of these in the possessive: "Sems", "Anne's", "Thomas'" (the stand-in gets "'s"
  or "'": "[een medewerker]'s").

Matching is on whole words (a word is a run of letters, digits and combining marks of any
script; a hyphen or an apostrophe ends a word, so "Jan" is found in "Jan-Willem"). Case does
not matter (Unicode case folding), nor whether a letter is typed composed or decomposed
("Zoë" as "Zoe" plus a combining diaeresis); any whitespace, a line break too, may stand
between the words of a name. At each place the longest name wins, so "Sem de Vries" is one
replacement and not three, and the text is read once from left to right: a stand-in is
never searched again, even when it contains a name.

Ordinary words. A name that is also a word would otherwise wipe that word everywhere:

* a name of one letter is never replaced on its own, only inside a longer form;
* a name of two letters ("Bo", "Al"), the last name of a prefixed surname on its own
  ("Meer" of "van der Meer": Dutch writes "Van der Meer" when the surname stands alone)
  and a name that is one of the very common Dutch words in :data:`COMMON_WORDS` ("Ben",
  "Dan", "Wil", ...) are replaced on their own only when they start with a capital letter
  (or with a letter that has no capital, as in scripts without case).
  So "al", "meer" and "ik ben" stay, while "Al" at the start of a sentence is replaced: a
  lost word is better than a name let through;
* every other name is replaced in any capitalisation, also where it is an ordinary word
  too ("roos", "bakker"): for these documents leaving no name matters more than style.

When one form belongs to several people with different stand-ins (two pupils called
"Bakker", a pupil and a guardian who share a last name) the form gets the ``ambiguous``
stand-in. Forms listed in ``keep`` stay as written and are not reported by
:meth:`~Pseudonymiser.find` (the parents' own child's first name in a report for them).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise

APOSTROPHES = "'’\u02bc"
HYPHENS = "-\u2010\u2011"

# Dutch (and a few foreign) name prefixes: how :func:`split_name` finds where the last
# name starts.
PREFIXES = frozenset(
    {
        "van", "de", "der", "den", "het", "'t", "te", "ter", "ten", "in", "op", "aan",
        "bij", "uit", "onder", "voor", "over", "la", "le", "du", "da", "di", "dos", "das",
        "del", "della", "von", "vom", "zu", "zur", "d'",
    }
)  # fmt: skip

# Very common Dutch words that are also first or last names; on their own they are
# replaced only with a capital letter (see the module's docstring).
COMMON_WORDS = frozenset(
    {
        "ben", "dan", "wil", "kan", "mag", "wel", "job", "toon", "lieve", "meer", "klein",
        "lang", "groot", "jong", "wit", "zwart", "bruin", "rood",
    }
)  # fmt: skip

ANY, CAPITAL, EXACT = 0, 1, 2


def _marks() -> str:
    """A character class body with every combining mark of the Basic Multilingual Plane:
    ``\\w`` leaves them out, but they belong to the word they decorate."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300, min(sys.maxunicode, 0xFFFF) + 1):
        if unicodedata.category(chr(cp))[0] == "M":
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


_MARKS = _marks()
WORD = re.compile(rf"[\w{_MARKS}]+")
# after a name: "'s" (Anne's), or a lone apostrophe after s, x or z (Thomas')
POSSESSIVE = re.compile(rf"[{APOSTROPHES}](?:[sS](?![\w{_MARKS}])|(?![\w{_MARKS}]))")


def key(word: str) -> str:
    """How words are compared: composed (NFC) and case-folded."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", word).casefold())


def _gap(raw: str) -> str:
    """What separates two words, compared loosely: whitespace dropped, apostrophes and
    hyphens of every kind made one. Plain whitespace becomes ``""``."""
    gap = "".join(raw.split())
    for a in APOSTROPHES[1:]:
        gap = gap.replace(a, "'")
    for h in HYPHENS[1:]:
        gap = gap.replace(h, "-")
    return gap


def split_name(full_name: str) -> tuple[str, str, str]:
    """``"Jan van der Berg"`` -> ``("Jan", "van der", "Berg")``; without a prefix the first
    word is the first name and the rest the last name (``"Ellen Visser"``); one word is a
    first name only."""
    words = full_name.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return words[0], "", ""
    for i in range(1, len(words) - 1):
        if words[i].casefold().replace("’", "'") in PREFIXES:
            j = i
            while j < len(words) - 1 and words[j].casefold().replace("’", "'") in PREFIXES:
                j += 1
            return " ".join(words[:i]), " ".join(words[i:j]), " ".join(words[j:])
    return words[0], "", " ".join(words[1:])


def initials(full_name: str) -> str:
    """``"Sem de Vries"`` -> ``"S.d.V."``: the first letter of every word, as written."""
    return "".join(f"{m.group()[0]}." for m in WORD.finditer(full_name))


@dataclass(frozen=True)
class Person:
    """Someone whose name must not appear, and the text that stands in for them."""

    first_name: str
    last_name: str
    replacement: str
    prefix: str = ""

    @classmethod
    def from_full_name(cls, full_name: str, replacement: str) -> Person:
        first, prefix, last = split_name(full_name)
        return cls(first, last, replacement, prefix)


@dataclass(frozen=True)
class _Form:
    """One way a name can be written: its words (compared with :func:`key`, or exactly as
    written for ``EXACT``) and the separators between them."""

    words: tuple[str, ...]
    gaps: tuple[str, ...]
    mode: int
    lead: bool = False  # the name starts with an apostrophe: "'t Hart"


def _tokens(text: str) -> tuple[list[str], list[str], bool]:
    found = list(WORD.finditer(text))
    words = [unicodedata.normalize("NFC", m.group()) for m in found]
    gaps = [_gap(text[a.end() : b.start()]) for a, b in pairwise(found)]
    lead = bool(found) and any(c in APOSTROPHES for c in text[: found[0].start()])
    return words, gaps, lead


def _letters(word: str) -> int:
    return sum(1 for c in word if not unicodedata.category(c).startswith("M"))


def _form(text: str, *, capital: bool = False) -> _Form | None:
    """The form of ``text`` with the rules for ordinary words (module docstring)."""
    words, gaps, lead = _tokens(text)
    if not words:
        return None
    if len(words) == 1:
        size = _letters(words[0])
        if size < 2:
            return None
        if size == 2 or key(words[0]) in COMMON_WORDS:
            capital = True
        return _Form((key(words[0]),), (), CAPITAL if capital else ANY, lead)
    if all(_letters(w) == 1 for w in words):  # "J.P.": initials, not a name on its own
        return None
    return _Form(tuple(key(w) for w in words), tuple(gaps), ANY, lead)


def _initial_forms(first: str, prefix: str, last: str) -> Iterator[_Form]:
    """The dotted initials as written ("S.d.V."), all capitals ("S.D.V.") and without
    the prefix ("S.V."); matched exactly."""
    firsts = [w[0] for w in _tokens(first)[0]]
    prefixes = [w[0] for w in _tokens(prefix)[0]]
    lasts = [w[0] for w in _tokens(last)[0]]
    if not firsts or not lasts:
        return
    variants = {
        (*firsts, *prefixes, *lasts),
        tuple(c.upper() for c in (*firsts, *prefixes, *lasts)),
        (*firsts, *lasts),
        (firsts[0], *prefixes, *lasts),
    }
    for letters in variants:
        yield _Form(tuple(letters), tuple("." for _ in letters[1:]), EXACT)


_PART_BREAK = re.compile(rf"[\s{re.escape(HYPHENS)}]+")


def _parts(name: str) -> list[str]:
    return [p for p in _PART_BREAK.split(name) if p]


def forms_of(person: Person) -> set[_Form]:
    """Every form of ``person``'s name (module docstring)."""
    first = " ".join(person.first_name.split())
    prefix = " ".join(person.prefix.split())
    last = " ".join(person.last_name.split())
    texts = [" ".join(p for p in (first, prefix, last) if p)]
    if prefix and last:
        texts.append(f"{prefix} {last}")
        if first:
            texts.append(f"{first} {last}")
    firsts = _tokens(first)[0]
    if firsts and last:
        texts.append(" ".join(p for p in (f"{firsts[0][0]}.", prefix, last) if p))
    found = [_form(t) for t in texts]
    found.append(_form(first))
    found.append(_form(last, capital=bool(prefix)))
    found += [_form(p) for p in _parts(first) if _letters(p) >= 3]
    found += [_form(p, capital=bool(prefix)) for p in _parts(last) if _letters(p) >= 3]
    found += _initial_forms(first, prefix, last)
    return {f for f in found if f is not None}


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str  # NFC, as written
    key: str


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    replacement: str | None  # None: a form to keep
    suffix: str  # the possessive as the stand-in gets it: "", "'s" or "'"


_KEEP = object()


class Pseudonymiser:
    """Replaces the names of ``people`` in any text (see the module's docstring)."""

    def __init__(
        self, people: Iterable[Person], *, ambiguous: str, keep: Iterable[str] = ()
    ) -> None:
        self.ambiguous = ambiguous
        stand_in: dict[_Form, object] = {}
        for person in people:
            for form in forms_of(person):
                known = stand_in.get(form, person.replacement)
                stand_in[form] = known if known == person.replacement else ambiguous
        for text in keep:
            words, gaps, lead = _tokens(text)
            if words:
                stand_in[_Form(tuple(key(w) for w in words), tuple(gaps), ANY, lead)] = _KEEP
        self._stand_in = stand_in
        self._index: dict[str, list[_Form]] = {}
        for form in stand_in:
            self._index.setdefault(key(form.words[0]), []).append(form)

    def __call__(self, text: str) -> str:
        return self.replace(text)

    def replace(self, text: str) -> str:
        out: list[str] = []
        done = 0
        for m in self.matches(text):
            out.append(text[done : m.start])
            out.append(m.text if m.replacement is None else m.replacement + m.suffix)
            done = m.end
        out.append(text[done:])
        return "".join(out)

    def find(self, text: str) -> list[str]:
        """Every known name still in ``text``, as written there (kept forms excepted)."""
        return [m.text for m in self.matches(text) if m.replacement is not None]

    def matches(self, text: str) -> Iterator[Match]:
        tokens = [
            _Token(m.start(), m.end(), unicodedata.normalize("NFC", m.group()), key(m.group()))
            for m in WORD.finditer(text)
        ]
        i = done = 0
        while i < len(tokens):
            found = self._match_at(text, tokens, i, done)
            if found is None:
                i += 1
                continue
            yield found
            done = found.end
            while i < len(tokens) and tokens[i].start < done:
                i += 1

    def _candidates(self, token: _Token) -> list[_Form]:
        found = list(self._index.get(token.key, []))
        if token.key.endswith("s") and len(token.key) > 3:
            found += [f for f in self._index.get(token.key[:-1], []) if len(f.words) == 1]
        return found

    def _match_at(self, text: str, tokens: list[_Token], i: int, done: int) -> Match | None:
        best: list[tuple[int, int, str, _Form]] = []  # (end, rank, suffix, form)
        for form in self._candidates(tokens[i]):
            hit = _fits(text, tokens, i, form)
            if hit is None:
                continue
            end, suffix, attached = hit
            rank = 0 if attached else 1  # "Peters" the name before "Peter" + "s"
            if best and (end, rank) < best[0][:2]:
                continue
            if best and (end, rank) > best[0][:2]:
                best = []
            best.append((end, rank, suffix, form))
        if not best:
            return None
        end, _rank, suffix, _first = best[0]
        start = tokens[i].start
        if any(f.lead for *_, f in best) and start > done and text[start - 1] in APOSTROPHES:
            start -= 1
        stand_ins = {self._stand_in[f] for *_, f in best}
        if _KEEP in stand_ins:
            return Match(start, end, text[start:end], None, "")
        replacement = str(stand_ins.pop()) if len(stand_ins) == 1 else self.ambiguous
        return Match(start, end, text[start:end], replacement, suffix)


def _capitalised(word: str) -> bool:
    """Starts with a capital, or with a letter that has none (a script without case)."""
    first = word[:1]
    return not first.islower() or first.upper() == first


def _closing_dot(text: str, end: int) -> int:
    """Initials end with a dot. Inside a sentence ("S.d.V. zag het", "S.d.V.,") it goes
    with them; before a capital, a line break or the end of the text it is also the full
    stop, and stays."""
    if text[end : end + 1] != ".":
        return end
    rest = text[end + 1 :].lstrip(" \t")
    if not rest or rest[0] in "\r\n" or (rest[0].isupper() and rest != text[end + 1 :]):
        return end
    return end + 1


def _same(token: _Token, word: str, mode: int) -> bool:
    return token.text == word if mode == EXACT else token.key == word


def _fits(text: str, tokens: list[_Token], i: int, form: _Form) -> tuple[int, str, bool] | None:
    """Where ``form`` ends when it starts at ``tokens[i]``, the possessive suffix the
    stand-in gets, and whether the name had an "s" attached ("Sems")."""
    n = len(form.words)
    if i + n > len(tokens):
        return None
    if form.mode == CAPITAL and not _capitalised(tokens[i].text):
        return None
    for k in range(n - 1):
        if not _same(tokens[i + k], form.words[k], form.mode):
            return None
        if _gap(text[tokens[i + k].end : tokens[i + k + 1].start]) != form.gaps[k]:
            return None
    last = tokens[i + n - 1]
    end = last.end
    if not _same(last, form.words[-1], form.mode):
        attached = form.mode != EXACT and _letters(form.words[-1]) >= 3
        if attached and last.key == form.words[-1] + "s":
            return end, "'s", True
        return None
    if form.mode == EXACT:
        return _closing_dot(text, end), "", False
    possessive = POSSESSIVE.match(text, end)
    if possessive is None:
        return end, "", False
    suffix = possessive.group()
    if len(suffix) == 1 and form.words[-1][-1:] not in ("s", "x", "z"):
        return end, "", False
    return possessive.end(), suffix[0] + suffix[1:].lower(), False


def pseudonymise(
    text: str, people: Iterable[Person], *, ambiguous: str, keep: Iterable[str] = ()
) -> str:
    """One text with the names of ``people`` replaced (see :class:`Pseudonymiser`)."""
    return Pseudonymiser(people, ambiguous=ambiguous, keep=keep).replace(text)


def names_left(
    text: str, people: Iterable[Person], *, ambiguous: str = "", keep: Iterable[str] = ()
) -> list[str]:
    """The known names of ``people`` still in ``text`` (see :meth:`Pseudonymiser.find`)."""
    return Pseudonymiser(people, ambiguous=ambiguous, keep=keep).find(text)
