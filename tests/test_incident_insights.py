"""Incident counts (vangnet.incidents.insights) equal brute-force counts in Python.

The brute force does not use the access module: it spells out per persona which incidents
they may count (docs/domain.md, module 2) — the board every incident of its schools, the
director and care coordinator their school's, a teacher what they reported or what involves
a pupil of their group — and counts distinct incidents per group over the model rows."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world import World
from vangnet.incidents import insights
from vangnet.incidents.lists import ensure_lists
from vangnet.incidents.models import Incident, IncidentCategory, IncidentLocation, IncidentPerson
from vangnet.lib.insights import suppress_small

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
PERSONAS = (
    "teacher_a",
    "care_a",
    "director_a",
    "adviser_a",
    "teacher_b",
    "board",
    "privacy",
    "admin",
    "other_board",
    "no_role",
)


def make_incident(
    world: World,
    school: Any,
    occurred_at: dt.datetime,
    *,
    code: str = "bullying",
    location: str = "Schoolplein",
    severity: str = "minor",
    reporter: str = "director_a",
    people: list[tuple[str, Any]] | None = None,
) -> Incident:
    """An incident straight in the model (the insights do not care how it was registered)."""
    ensure_lists(school.board)
    category = IncidentCategory.objects.get(board=school.board, code=code)
    place = IncidentLocation.objects.get(board=school.board, label=location)
    incident = Incident.objects.create(
        school=school,
        occurred_at=occurred_at,
        location=place,
        category=category,
        national_code=category.code,
        severity=severity,
        description="Tijdens de pauze.",
        reporter=world[reporter],
    )
    for role, who in people or []:
        if who is None:
            IncidentPerson.objects.create(incident=incident, role=role, initials="X.Y.")
        else:
            IncidentPerson.objects.create(incident=incident, role=role, pupil=who)
    return incident


# --- the brute force ------------------------------------------------------------------------


def may_count(world: World, persona: str, incident: Incident, people: list[Any]) -> bool:
    a, b, c = world.school_a.pk, world.school_b.pk, world.school_c.pk
    school = incident.school_id
    if persona in ("care_a", "director_a"):
        return school == a
    if persona == "board":
        return school in (a, b)
    if persona == "other_board":  # care coordinator at school C
        return school == c
    if persona == "teacher_a":
        return school == a and (
            incident.reporter_id == world["teacher_a"].pk or world.pupil_a5.pk in people
        )
    if persona == "teacher_b":
        return school == b and (
            incident.reporter_id == world["teacher_b"].pk or world.pupil_b3.pk in people
        )
    return False  # confidential adviser, privacy officer, administrator, no role


def brute_key(incident: Incident, group_by: str) -> str:
    local = incident.occurred_at.astimezone(AMS)
    return {
        "month": f"{local:%Y-%m}",
        "category": incident.national_code,
        "location": incident.location.label,
        "school": str(incident.school_id),
        "weekday": str(local.isoweekday()),
        "severity": incident.severity,
    }[group_by]


def brute_counts(
    world: World,
    persona: str,
    *,
    school: int | None,
    board: int | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    group_by: str,
) -> dict[str, int]:
    counted: dict[str, set[int]] = {}
    for incident in Incident.objects.select_related("school", "location"):
        people = [p.pupil_id for p in IncidentPerson.objects.filter(incident=incident)]
        if not may_count(world, persona, incident, people):
            continue
        day = incident.occurred_at.astimezone(AMS).date()
        if school is not None and incident.school_id != school:
            continue
        if board is not None and incident.school.board_id != board:
            continue
        if date_from is not None and day < date_from:
            continue
        if date_to is not None and day > date_to:
            continue
        counted.setdefault(brute_key(incident, group_by), set()).add(incident.pk)
    return {key: len(ids) for key, ids in counted.items()}


# --- generated data -------------------------------------------------------------------------

START = dt.datetime(2023, 1, 1, tzinfo=AMS)
# instants where a month, a day or summer time turns (local midnight is 22:00/23:00 UTC)
EDGES = [
    dt.datetime(2024, 3, 31, 23, 30, tzinfo=AMS),
    dt.datetime(2024, 4, 1, 0, 30, tzinfo=AMS),
    dt.datetime(2023, 12, 31, 23, 59, tzinfo=AMS),
    dt.datetime(2024, 1, 1, 0, 0, tzinfo=AMS),
    dt.datetime(2024, 10, 27, 2, 30, tzinfo=dt.UTC),
    dt.datetime(2024, 6, 30, 22, 30, tzinfo=dt.UTC),  # 1 July 00:30 in Amsterdam
]
WHEN = st.one_of(
    st.sampled_from(EDGES),
    st.integers(0, 2 * 365 * 24 * 60).map(lambda m: START + dt.timedelta(minutes=m)),
)
CODES = ("bullying", "sexual", "physical", "theft")
PLACES = ("Schoolplein", "Klaslokaal", "Online")
ROLES = ("initiator", "affected", "bystander", "outsider")

INCIDENT = st.fixed_dictionaries(
    {
        "school": st.sampled_from(("school_a", "school_b", "school_c")),
        "when": WHEN,
        "code": st.sampled_from(CODES),
        "location": st.sampled_from(PLACES),
        "severity": st.sampled_from(("minor", "serious", "very_serious")),
        "reporter": st.sampled_from(("teacher_a", "director_a", "teacher_b", "care_a")),
        # pupil index into the school's pupils (None: an outsider by initials)
        "people": st.lists(
            st.tuples(st.sampled_from(ROLES), st.sampled_from((0, 1, None))), max_size=5
        ),
    }
)
DATES = st.one_of(st.none(), st.dates(dt.date(2022, 12, 1), dt.date(2025, 2, 1)))
FILTERS = st.fixed_dictionaries(
    {
        "school": st.sampled_from((None, "school_a", "school_b", "school_c")),
        "board": st.sampled_from((None, "board", "other_board")),
        "date_from": DATES,
        "date_to": DATES,
        "group_by": st.sampled_from(insights.GROUPS),
    }
)


def pupils_of(world: World, key: str) -> list[Any]:
    return {
        "school_a": [world.pupil_a5, world.pupil_a6],
        "school_b": [world.pupil_b3],
        "school_c": [world.pupil_c],
    }[key]


def create(world: World, spec: dict[str, Any]) -> Incident:
    school = getattr(world, spec["school"])
    pupils = pupils_of(world, spec["school"])
    people = []
    for role, index in spec["people"]:
        if index is None or role == "outsider":
            people.append(("outsider", None))
        else:
            people.append((role, pupils[index % len(pupils)]))
    return make_incident(
        world,
        school,
        spec["when"],
        code=spec["code"],
        location=spec["location"],
        severity=spec["severity"],
        reporter=spec["reporter"],
        people=people,
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(INCIDENT, max_size=14), filters=st.lists(FILTERS, min_size=1, max_size=3))
def test_counts_equal_brute_force(world, specs, filters):
    ensure_lists(world.board)
    ensure_lists(world.other_board)
    with transaction.atomic():
        for spec in specs:
            create(world, spec)
        for f in filters:
            school = getattr(world, f["school"]).pk if f["school"] else None
            board = getattr(world, f["board"]).pk if f["board"] else None
            args = {**f, "school": school, "board": board}
            for persona in PERSONAS:
                got = insights.counts(world[persona], **args)
                expected = brute_counts(world, persona, **args)
                assert {r.key: r.count for r in got} == expected, (persona, args)
                assert len({r.key for r in got}) == len(got)
        transaction.set_rollback(True)


# --- cases written out ----------------------------------------------------------------------


def at(day: int, month: int = 3, year: int = 2024, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=AMS)


def test_an_incident_with_many_people_counts_once(world):
    make_incident(
        world,
        world.school_a,
        at(4),
        people=[
            ("initiator", world.pupil_a5),
            ("affected", world.pupil_a6),
            ("bystander", world.pupil_a5),
            ("outsider", None),
        ],
    )
    for group_by in insights.GROUPS:
        rows = insights.counts(world["board"], group_by=group_by)
        assert [r.count for r in rows] == [1], group_by
    assert insights.counts(world["teacher_a"], group_by="category")[0].count == 1


def test_the_board_counts_what_it_cannot_see(world):
    from vangnet.core import access

    make_incident(world, world.school_a, at(4))
    make_incident(world, world.school_b, at(5), code="theft")
    make_incident(world, world.school_c, at(6))
    assert not access.visible_incidents(world["board"]).exists()
    rows = insights.counts(world["board"], group_by="school")
    assert [(r.key, r.label, r.count) for r in rows] == [
        (str(world.school_a.pk), "School A", 1),
        (str(world.school_b.pk), "School B", 1),
    ]
    assert insights.counts(world["board"], board=world.other_board.pk) == []
    assert insights.counts(world["board"], school=world.school_c.pk) == []
    assert [r.key for r in insights.counts(world["other_board"], group_by="school")] == [
        str(world.school_c.pk)
    ]


def test_a_teacher_counts_only_what_they_see(world):
    mine = make_incident(world, world.school_a, at(4), reporter="teacher_a")
    group = make_incident(world, world.school_a, at(5), people=[("affected", world.pupil_a5)])
    make_incident(world, world.school_a, at(6), people=[("affected", world.pupil_a6)])
    make_incident(world, world.school_b, at(7), reporter="teacher_b")
    rows = insights.counts(world["teacher_a"], group_by="month")
    assert [(r.key, r.count) for r in rows] == [("2024-03", 2)]
    ids = set(insights.countable_incidents(world["teacher_a"]).values_list("pk", flat=True))
    assert ids == {mine.pk, group.pk}
    assert insights.counts(world["director_a"])[0].count == 3


def test_months_and_weekdays_follow_dutch_time(world):
    # 1 April 00:30 in Amsterdam is still 31 March in UTC
    make_incident(world, world.school_a, dt.datetime(2024, 4, 1, 0, 30, tzinfo=AMS))
    assert [r.key for r in insights.counts(world["board"], group_by="month")] == ["2024-04"]
    weekday = insights.counts(world["board"], group_by="weekday")
    assert [(r.key, r.label) for r in weekday] == [("1", "maandag")]
    assert insights.counts(world["board"], date_from=dt.date(2024, 4, 1))[0].count == 1
    assert insights.counts(world["board"], date_to=dt.date(2024, 3, 31)) == []


def test_labels_and_order(world):
    make_incident(world, world.school_a, at(4), code="sexual", severity="very_serious")
    make_incident(world, world.school_a, at(5), code="bullying", location="Online")
    severity = insights.counts(world["board"], group_by="severity")
    assert [(r.key, r.label) for r in severity] == [
        ("minor", "Licht"),
        ("very_serious", "Zeer ernstig"),
    ]
    category = insights.counts(world["board"], group_by="category")
    assert [(r.key, r.label) for r in category] == [
        ("bullying", "Pesten"),
        ("sexual", "Seksueel grensoverschrijdend gedrag"),
    ]
    location = insights.counts(world["board"], group_by="location")
    assert [r.key for r in location] == ["Online", "Schoolplein"]
    with pytest.raises(ValueError, match="group_by"):
        insights.counts(world["board"], group_by="pupil")


def test_rows_unpack_as_key_and_count_for_suppression(world):
    for day in range(1, 7):
        make_incident(world, world.school_a, at(day))
    make_incident(world, world.school_a, at(1, month=4))
    rows = insights.counts(world["board"], group_by="month")
    assert suppress_small(rows) == [("2024-03", 6), ("2024-04", None)]


def test_early_warnings_over_the_database(world):
    # a year of one bullying incident a month at school A, then five in the latest month
    today = dt.date(2025, 2, 10)
    for month in range(1, 13):
        make_incident(world, world.school_a, at(10, month=month))
        make_incident(world, world.school_a, at(11, month=month), code="theft")
    for day in range(1, 6):
        make_incident(world, world.school_a, at(day, month=1, year=2025))
    make_incident(world, world.school_a, at(6, month=1, year=2025), code="theft")
    warnings = insights.early_warnings(world["board"], school=world.school_a.pk, today=today)
    assert [key for key, _signal in warnings] == ["bullying"]
    signal = warnings[0][1]
    assert (signal.latest, signal.months, signal.mean) == (5, 12, 1.0)
    # school B has none; the other board sees nothing of school A
    assert insights.early_warnings(world["board"], school=world.school_b.pk, today=today) == []
    assert insights.early_warnings(world["other_board"], today=today) == []
    by_place = insights.early_warnings(world["director_a"], "location", today=today)
    assert [key for key, _signal in by_place] == ["Schoolplein"]


def test_early_warnings_need_history(world):
    # registering started three months ago: no baseline yet, no signal
    for day in range(1, 8):
        make_incident(world, world.school_a, at(day, month=1, year=2025))
    make_incident(world, world.school_a, at(1, month=11, year=2024))
    assert insights.early_warnings(world["board"], today=dt.date(2025, 2, 3)) == []
