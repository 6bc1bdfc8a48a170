"""The statement rules of the dossier, table-driven and property-based.

Rules (domain.md, module 1): write behaviour and statements as facts and mark clearly what
is someone else's story or a suspicion; name the source of third-party information and do
not record it without the source's consent; a diagnosis only when made by a qualified
(BIG-registered) professional; other persons appear by initials only.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vangnet.lib import statements as rules
from vangnet.lib.statements import Statement

BIG = "12345678901"

CASES = [
    # (rule quoted, statement, problems expected)
    ("a fact needs text", Statement(rules.FACT, "Hij gooide een stoel om."), []),
    ("an empty fact is refused", Statement(rules.FACT, "   "), ["text_required"]),
    (
        "a story needs its source",
        Statement(rules.ACCOUNT, "Zij zei: ik ben bang thuis."),
        ["source_required"],
    ),
    (
        "a story with source and consent is kept",
        Statement(rules.ACCOUNT, "Zij zei: ik ben bang.", source="moeder"),
        [],
    ),
    (
        "without consent the text is not recorded, the source still is",
        Statement(rules.ACCOUNT, "", source="buurvrouw", source_consent=False),
        [],
    ),
    ("a suspicion is marked as such", Statement(rules.SUSPICION, "Mogelijk pest hij."), []),
    (
        "a diagnosis needs the professional",
        Statement(rules.DIAGNOSIS, "ADHD", registration=BIG),
        ["professional_required"],
    ),
    (
        "a diagnosis needs a BIG number of 11 digits",
        Statement(rules.DIAGNOSIS, "ADHD", professional="Dr. K. Smit", registration="1234"),
        ["registration_invalid"],
    ),
    (
        "a diagnosis by a registered professional is kept",
        Statement(rules.DIAGNOSIS, "ADHD", professional="Dr. K. Smit", registration=BIG),
        [],
    ),
    ("unknown kinds are refused", Statement("gossip", "x"), ["unknown_kind"]),
]


@pytest.mark.parametrize(("rule", "statement", "codes"), CASES, ids=[c[0] for c in CASES])
def test_statement_rules(rule, statement, codes):
    assert [p.code for p in rules.problems(statement)] == codes


@given(text=st.text(min_size=1, max_size=200), source=st.text(max_size=30))
def test_account_without_consent_never_keeps_text(text, source):
    s = Statement(rules.ACCOUNT, text, source=source, source_consent=False)
    assert rules.stored_text(s) == ""


@given(text=st.text(max_size=300), consent=st.booleans(), source=st.text(max_size=30))
def test_an_account_is_only_valid_with_a_source(text, consent, source):
    s = Statement(rules.ACCOUNT, text, source=source, source_consent=consent)
    codes = {p.code for p in rules.problems(s)}
    assert ("source_required" in codes) == (not source.strip())


@given(registration=st.text(max_size=15), professional=st.text(max_size=20))
def test_a_diagnosis_is_only_valid_with_professional_and_big_number(registration, professional):
    s = Statement(rules.DIAGNOSIS, "diagnose", professional=professional, registration=registration)
    valid = not rules.problems(s)
    is_big = (
        len(registration.strip()) == 11
        and registration.strip().isascii()
        and registration.strip().isdigit()
    )
    assert valid == (bool(professional.strip()) and is_big)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sanne de Wit", "S.d.W."),
        ("Anna Visser", "A.V."),
        ("Jan-Willem Bos", "J.W.B."),
    ],
)
def test_initials(name, expected):
    assert rules.initials(name) == expected


NAMES = st.lists(
    st.tuples(
        st.sampled_from(["Anna", "Bram", "Cas", "Dewi", "Emre"]),
        st.sampled_from(["Visser", "Bakker", "Mulder", "Smit", "Yilmaz"]),
    ),
    min_size=1,
    max_size=4,
    unique=True,
)


@given(names=NAMES, filler=st.text(alphabet="abc .,!", max_size=40))
def test_known_names_are_always_replaced_by_initials(names, filler):
    known = [f"{first} {last}" for first, last in names]
    text = filler + " " + " en ".join(known) + " " + filler
    assert set(rules.names_in(text, known)) == set(known)
    cleaned = rules.replace_names(text, known)
    for name in known:
        assert name.lower() not in cleaned.lower()
        assert rules.initials(name) in cleaned
