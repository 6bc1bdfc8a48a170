"""The terms of the behaviour measures per sector, table-driven against domain.md.

Issue 6: "All terms (5 school days, 1 day for Inspectie reporting, 14 days, 8 weeks, 6
weeks, 4 weeks, age 12) live in one place per sector (PO defaults from domain.md; VO and
SO values configurable; higher education has no suspension — offer the Executive Board's
measures instead: denial of access for a set period, ending the enrolment, after hearing
the student)".
"""

from __future__ import annotations

import dataclasses

import pytest

from vangnet.lib import measure_rules as mr

PO_TERMS = [
    # (domain.md, module 4, quoted; field; value)
    ("time-out: 'up to the end of the week, at most 5 days'", "time_out_max_school_days", 5),
    ("suspension: 'at most one week'", "suspension_max_school_days", 5),
    (
        "'a suspension longer than one day is reported to the Inspectie'",
        "inspectie_report_after_days",
        1,
    ),
    ("'appeal to the board, which decides within 14 days'", "appeal_decision_days", 14),
    ("'for 8 weeks the board seeks another school'", "expulsion_search_weeks", 8),
    (
        "'final expulsion only once another school has accepted the pupil (or after 8 weeks "
        "of demonstrable effort)'",
        "final_expulsion_after_search",
        True,
    ),
    ("'objection within 6 weeks'", "objection_weeks", 6),
    ("'decision within 4 weeks'", "objection_decision_weeks", 4),
    ("'parents (and the pupil from age 12) are heard'", "pupil_heard_from_age", 12),
    (
        "extra rules: 'first evaluation 2 weeks after start'",
        "extra_rules_first_evaluation_days",
        14,
    ),
    ("extra rules: 'then monthly'", "extra_rules_evaluation_interval_months", 1),
]


@pytest.mark.parametrize(("quote", "field", "value"), PO_TERMS, ids=[t[1] for t in PO_TERMS])
def test_primary_education_defaults(quote: str, field: str, value: object) -> None:
    rules = mr.defaults(mr.PO)
    assert getattr(rules, field) == value
    assert rules.basis_for(field), f"no legal basis for {field}"


def test_primary_education_allows_the_school_measures() -> None:
    rules = mr.defaults(mr.PO)
    assert (rules.time_out_allowed, rules.suspension_allowed, rules.expulsion_allowed) == (
        True,
        True,
        True,
    )
    assert not (rules.access_denial_allowed or rules.enrolment_ending_allowed)
    assert not rules.configurable


@pytest.mark.parametrize(
    ("field", "basis"),
    [
        ("suspension_max_school_days", "art. 40c WPO"),
        ("inspectie_report_after_days", "art. 40c WPO"),
        ("expulsion_search_weeks", "art. 40 WPO"),
        ("final_expulsion_after_search", "art. 40 WPO"),
    ],
)
def test_primary_education_legal_basis(field: str, basis: str) -> None:
    assert mr.defaults(mr.PO).basis_for(field) == basis


def test_time_out_is_the_schools_own_measure() -> None:
    for sector in (mr.PO, mr.SO, mr.VO, mr.MBO):
        assert "geen wettelijke regeling" in mr.defaults(sector).basis_for(
            "time_out_max_school_days"
        )


@pytest.mark.parametrize("sector", [mr.HBO, mr.WO])
def test_higher_education_has_the_executive_boards_measures(sector: str) -> None:
    """domain.md: 'Higher education has no suspension in law: the Executive Board can deny
    access to buildings and grounds (up to a year) or end an enrolment …, after hearing the
    student.'"""
    rules = mr.defaults(sector)
    assert not (rules.time_out_allowed or rules.suspension_allowed or rules.expulsion_allowed)
    assert rules.access_denial_allowed and rules.access_denial_max_months == 12
    assert rules.enrolment_ending_allowed and rules.student_heard
    assert rules.applicable() == mr.HIGHER_EDUCATION_FIELDS
    assert all(rules.basis_for(f) == "art. 7.57h WHW" for f in rules.applicable())
    assert not rules.needs_inspectie_report(5)
    assert not rules.configurable


@pytest.mark.parametrize(
    ("sector", "final", "configurable"),
    [
        (mr.PO, True, False),
        (mr.SO, True, True),
        (mr.VO, False, True),
        (mr.MBO, False, True),
    ],
)
def test_school_sectors(sector: str, final: bool, configurable: bool) -> None:
    """Only PO and SO may expel for good after the search period without an accepting
    school (art. 40 WPO/WEC); VO and MBO never."""
    rules = mr.defaults(sector)
    assert rules.final_expulsion_after_search is final
    assert rules.configurable is configurable
    assert rules.applicable() == mr.SCHOOL_FIELDS
    assert all(rules.basis_for(f) for f in rules.applicable())


def test_every_sector_has_defaults_and_every_shown_field_a_label() -> None:
    assert set(mr.SECTORS) == {"PO", "SO", "VO", "MBO", "HBO", "WO"}
    for sector in mr.SECTORS:
        rules = mr.defaults(sector)
        assert rules.sector == sector
        for field in rules.applicable():
            assert field in mr.FIELD_INFO
    with pytest.raises(ValueError, match="unknown sector"):
        mr.defaults("XX")


def test_rules_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        mr.defaults(mr.PO).suspension_max_school_days = 10  # type: ignore[misc]


@pytest.mark.parametrize(
    ("days", "report"), [(1, False), (2, True), (5, True)], ids=["one day", "two", "week"]
)
def test_inspectie_report_when_longer_than_one_day(days: int, report: bool) -> None:
    assert mr.defaults(mr.PO).needs_inspectie_report(days) is report


@pytest.mark.parametrize(("age", "heard"), [(11, False), (12, True), (15, True)])
def test_pupil_heard_from_twelve(age: int, heard: bool) -> None:
    assert mr.defaults(mr.PO).pupil_is_heard(age) is heard


# --- overrides ----------------------------------------------------------------------------


def test_vo_values_can_be_changed_within_bounds() -> None:
    rules = mr.with_overrides(
        mr.defaults(mr.VO),
        {"suspension_max_school_days": 3, "expulsion_search_weeks": "10", "objection_weeks": 8},
    )
    assert rules.suspension_max_school_days == 3
    assert rules.expulsion_search_weeks == 10  # text from a form is read as a number
    assert rules.objection_weeks == 8
    assert rules.overrides() == {
        "suspension_max_school_days": 3,
        "expulsion_search_weeks": 10,
        "objection_weeks": 8,
    }
    assert mr.defaults(mr.VO).suspension_max_school_days == 5  # defaults untouched


OVERRIDE_ERRORS = [
    # (why, sector, mapping, field, Dutch message fragment)
    (
        "a suspension longer than a week",
        mr.VO,
        {"suspension_max_school_days": 6},
        "suspension_max_school_days",
        "hoogstens één week",
    ),
    (
        "a zero time-out",
        mr.SO,
        {"time_out_max_school_days": 0},
        "time_out_max_school_days",
        "1 tot en met 5",
    ),
    (
        "less than six weeks for an objection",
        mr.VO,
        {"objection_weeks": 4},
        "objection_weeks",
        "minstens zes weken",
    ),
    (
        "hearing the pupil only from 14",
        mr.MBO,
        {"pupil_heard_from_age": 14},
        "pupil_heard_from_age",
        "van 12 wordt altijd",
    ),
    (
        "not a number",
        mr.VO,
        {"appeal_decision_days": "veertien"},
        "appeal_decision_days",
        "heel getal",
    ),
    (
        "a yes/no is no number",
        mr.VO,
        {"appeal_decision_days": True},
        "appeal_decision_days",
        "heel getal",
    ),
    (
        "a negative number",
        mr.VO,
        {"appeal_decision_days": "-3"},
        "appeal_decision_days",
        "1 tot en met 14",
    ),
    (
        "the Inspectie term is the law",
        mr.VO,
        {"inspectie_report_after_days": 2},
        "inspectie_report_after_days",
        "ligt vast",
    ),
    (
        "final expulsion without a school is never configurable",
        mr.VO,
        {"final_expulsion_after_search": True},
        "final_expulsion_after_search",
        "ligt vast",
    ),
    ("an unknown term", mr.VO, {"holiday_weeks": 2}, "holiday_weeks", "bestaat niet"),
    (
        "PO terms come from domain.md",
        mr.PO,
        {"suspension_max_school_days": 3},
        "suspension_max_school_days",
        "liggen vast",
    ),
    (
        "higher education keeps the WHW's year",
        mr.HBO,
        {"access_denial_max_months": 6},
        "access_denial_max_months",
        "liggen vast",
    ),
]


@pytest.mark.parametrize(
    ("why", "sector", "mapping", "field", "fragment"),
    OVERRIDE_ERRORS,
    ids=[e[0] for e in OVERRIDE_ERRORS],
)
def test_override_refused_with_a_dutch_message(why, sector, mapping, field, fragment) -> None:
    rules = mr.defaults(sector)
    assert fragment in mr.check_overrides(rules, mapping)[field]
    with pytest.raises(mr.InvalidOverrides) as caught:
        mr.with_overrides(rules, mapping)
    assert fragment in caught.value.messages()[field]


def test_one_bad_value_applies_nothing_and_names_every_field() -> None:
    rules = mr.defaults(mr.VO)
    mapping = {"suspension_max_school_days": 3, "objection_weeks": 2, "appeal_decision_days": 0}
    with pytest.raises(mr.InvalidOverrides) as caught:
        mr.with_overrides(rules, mapping)
    assert set(caught.value.problems) == {"objection_weeks", "appeal_decision_days"}
    assert caught.value.messages(str.upper)["objection_weeks"].startswith("KIES 6")


@pytest.mark.parametrize("field", sorted(mr.OVERRIDABLE))
def test_every_bound_is_inclusive(field: str) -> None:
    bound = mr.OVERRIDABLE[field]
    rules = mr.defaults(mr.SO)
    assert getattr(mr.with_overrides(rules, {field: bound.low}), field) == bound.low
    assert getattr(mr.with_overrides(rules, {field: bound.high}), field) == bound.high
    assert field in mr.check_overrides(rules, {field: bound.low - 1})
    assert field in mr.check_overrides(rules, {field: bound.high + 1})
    # the defaults themselves always lie within the bounds
    for sector in mr.CONFIGURABLE_SECTORS:
        assert bound.low <= getattr(mr.defaults(sector), field) <= bound.high


@pytest.mark.parametrize(
    ("field", "value", "quoted"),
    [
        # a board never loosens a legal term (domain.md: 8 weeks, 14 days, 4 weeks)
        ("expulsion_search_weeks", 7, "minstens acht weken"),
        ("appeal_decision_days", 15, "binnen twee weken"),
        ("objection_decision_weeks", 5, "binnen vier weken"),
    ],
)
def test_bounds_never_loosen_a_legal_term(field: str, value: int, quoted: str) -> None:
    problems = mr.check_overrides(mr.defaults("SO"), {field: value})
    assert quoted in problems[field]
