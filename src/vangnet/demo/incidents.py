"""Demo incidents: three school years for the six primary schools of the demo board.

The bulk is drawn with the generator's sampler (:mod:`vangnet.incidents.generate`: the
seasonal pattern, the category mix, neutral roles) and written in bulk; it is not user
activity, so one system event records it. On top of that:

* a trend: online bullying at school A (De Regenboog) rises year on year
  (:data:`ONLINE_A`: 3, then 7, then at a pace of 12 a year);
* one early warning: in the latest complete month, :data:`SPIKE` incidents of online
  bullying at school A — a group chat in groups 7 and 8 — registered through the real
  action by the school's safety officer (so with their audit events), while the twelve
  months before averaged about one. In that month every other series (category or
  location, per school and for the board) stays within its own usual range, so the spike
  is the only signal.

Deterministic for a given day (a fixed seed), and only ever run once (the demo build
stops when the board exists).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Hashable

from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType
from vangnet.core.roles import Role
from vangnet.demo.build import PO_BOARD
from vangnet.incidents.actions import IncidentInput, PersonInput, do_create_incident
from vangnet.incidents.generate import (
    CATEGORY_WEIGHTS,
    ONLINE_LOCATION,
    Planned,
    Sampler,
    SchoolPlan,
    board_lists,
    cumulative,
    day_weight,
    is_school_day,
    write_planned,
)
from vangnet.incidents.lists import ensure_lists
from vangnet.lib.dates import school_year_of
from vangnet.organisations.models import Board, Pupil, RoleAssignment, School

SEED = 20261122
PER_YEAR = (45, 75)  # incidents per school per full school year, drawn per school and year
ONLINE_A = (3, 7, 12)  # online bullying at school A per full school year, oldest first
ONLINE = "online_bullying"
SPIKE = 7
SPIKE_REPORTER = "directeur.a@vangnet.test"

SPIKE_STORIES = (
    (
        "In de groepsapp van groep 8 is een nepaccount aangemaakt met de naam en foto van een "
        "leerling; daarmee zijn vervelende berichten verstuurd.",
        "serious",
    ),
    (
        "Een leerling kreeg 's avonds tientallen berichten dat niemand met haar wil spelen. "
        "Haar moeder stuurde de schermafbeeldingen door.",
        "minor",
    ),
    (
        "Een filmpje van een leerling in de gymles is zonder toestemming in de groepsapp "
        "gedeeld, met spottende reacties eronder.",
        "serious",
    ),
    (
        "In een groepsapp werd gestemd over 'de irritantste van de klas'; de uitslag is "
        "doorgestuurd naar de leerling zelf.",
        "minor",
    ),
    (
        "Een leerling is uit de klassenapp verwijderd en werd daarna in een nieuwe groep "
        "zonder haar uitgelachen.",
        "minor",
    ),
    (
        "Via de chat van een online spel kreeg een leerling scheldwoorden en een dreigende "
        "opmerking van klasgenoten.",
        "serious",
    ),
    (
        "Een bewerkte foto van een leerling gaat rond in groep 7 en 8; twee ouders belden "
        "erover met de school.",
        "serious",
    ),
)
SPIKE_MEASURES = (
    "Gesprek met de betrokken leerlingen; ouders geïnformeerd.",
    "Afspraken over de groepsapp besproken in groep 7 en 8.",
)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _month(when: dt.datetime) -> tuple[int, int]:
    return when.year, when.month  # occurred_at carries the local offset of its day


def _previous_months(month: tuple[int, int], count: int) -> set[tuple[int, int]]:
    year, number = month
    out = set()
    for _ in range(count):
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
        out.add((year, number))
    return out


def latest_complete_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def _plan(
    school: School, rng: random.Random, categories: dict[str, int], locations: dict[str, int]
) -> SchoolPlan:
    pupils = list(Pupil.objects.filter(school=school).order_by("pk").values_list("pk", flat=True))
    rng.shuffle(pupils)
    staff = sorted(
        set(
            RoleAssignment.objects.filter(
                school=school,
                role__in=[Role.TEACHER, Role.SAFETY_OFFICER, Role.CARE_COORDINATOR],
            ).values_list("user_id", flat=True)
        )
    )
    return SchoolPlan(school.pk, pupils, staff, staff, categories, locations)


def _keep_usual(
    planned: list[Planned], month: tuple[int, int], spared: set[Hashable]
) -> list[Planned]:
    """In ``month``, keep every series (category and location, per school and for the
    board) within its usual range: at most max(2, 1.5 × its mean over the twelve months
    before). Series in ``spared`` are left alone."""
    before = _previous_months(month, 12)

    def cells(row: Planned) -> list[Hashable]:
        i = row.incident
        return [
            ("school-category", i.school_id, i.national_code),
            ("school-location", i.school_id, i.location_id),
            ("board-category", i.national_code),
            ("board-location", i.location_id),
        ]

    baseline: Counter[Hashable] = Counter()
    for row in planned:
        if _month(row.incident.occurred_at) in before:
            baseline.update(cells(row))
    seen: Counter[Hashable] = Counter()
    kept = []
    for row in planned:
        if _month(row.incident.occurred_at) != month:
            kept.append(row)
            continue
        mine = [c for c in cells(row) if c not in spared]
        if all(seen[c] < max(2, math.ceil(1.5 * baseline[c] / 12)) for c in mine):
            seen.update(mine)
            kept.append(row)
    return kept


def _spike_days(first: dt.date, last: dt.date, today: dt.date) -> list[dt.date]:
    days = [d for d in _days(first, last) if d < today]
    school = [d for d in days if is_school_day(d)] or [d for d in days if d.weekday() < 5]
    step = len(school) / SPIKE
    return [school[int(i * step)] for i in range(SPIKE)]


def _spike(school: School, categories: dict[str, int], locations: dict[str, int]) -> int:
    """The early warning: a run of online bullying in groups 7 and 8, registered by the
    safety officer through the real action."""
    today = timezone.localdate()
    first, last = latest_complete_month(today)
    reporter = User.objects.get(email=SPIKE_REPORTER)
    actor = Actor(user=reporter, role=Role.SAFETY_OFFICER, channel="system")
    older = list(
        Pupil.objects.filter(school=school, group__name__in=["Groep 7", "Groep 8"])
        .order_by("-group__name", "pk")
        .values_list("pk", flat=True)
    ) or list(Pupil.objects.filter(school=school).order_by("pk").values_list("pk", flat=True))
    teacher = (
        User.objects.filter(teaching_groups__school=school, teaching_groups__name="Groep 8")
        .order_by("pk")
        .first()
    )
    location = locations.get(ONLINE_LOCATION) or next(iter(locations.values()))
    for n, day in enumerate(_spike_days(first, last, today)):
        description, severity = SPIKE_STORIES[n % len(SPIKE_STORIES)]
        people = [PersonInput("initiator", pupil_id=older[0])]
        if len(older) > 2 and n % 3 == 0:
            people.append(PersonInput("initiator", pupil_id=older[1]))
        if len(older) > 1:
            others = older[2:] if len(older) > 2 else older[1:]
            people.append(PersonInput("affected", pupil_id=others[n % len(others)]))
        if n == 2 and teacher is not None:
            people.append(PersonInput("staff", staff_id=teacher.pk, note="zag de berichten"))
        if n == 6:
            people.append(PersonInput("parent", initials="M.J.", note="belde de school"))
        hour, minute = (19, 30) if n % 2 else (12, 15)
        occurred = timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, minute))
        do_create_incident(
            school,
            IncidentInput(
                occurred_at=occurred,
                location_id=location,
                category_id=categories[ONLINE],
                severity=severity,
                description=description,
                people=people,
                unrest=n == 6,
                unrest_among="ouders van groep 7 en 8" if n == 6 else "",
                measures=SPIKE_MEASURES[n % len(SPIKE_MEASURES)],
            ),
            actor=actor,
        )
    return SPIKE


def build() -> dict[str, int]:
    """Write the demo board's incidents (inside the demo's transaction)."""
    board = Board.objects.get(name=PO_BOARD)
    ensure_lists(board)
    categories, locations = board_lists(board.pk)
    rng = random.Random(SEED)
    today = timezone.localdate()
    sampler = Sampler(rng)
    current = int(school_year_of(today)[:4])
    schools = list(School.objects.filter(board=board).order_by("code"))
    school_a = schools[0]
    planned: list[Planned] = []
    for school in schools:
        plan = _plan(school, rng, categories, locations)
        for offset, year in enumerate(range(current - 2, current + 1)):
            full = _days(dt.date(year, 8, 1), dt.date(year + 1, 7, 31))
            days = [d for d in full if d < today]
            weights = [day_weight(d) for d in days]
            cum = cumulative(weights)
            share = sum(weights) / sum(day_weight(d) for d in full)
            count = round(rng.randint(*PER_YEAR) * share)
            if school == school_a:
                mix = {c: w for c, w in CATEGORY_WEIGHTS.items() if c != ONLINE}
                planned += sampler.sample(plan, days, cum, count, mix)
                online = round(ONLINE_A[offset] * share)
                planned += sampler.sample(plan, days, cum, online, {ONLINE: 1.0})
            else:
                planned += sampler.sample(plan, days, cum, count)
    first, _last = latest_complete_month(today)
    month = (first.year, first.month)
    online_location = locations.get(ONLINE_LOCATION)
    planned = [  # the spike month at school A is written by hand below
        p
        for p in planned
        if not (
            p.incident.school_id == school_a.pk
            and p.incident.national_code == ONLINE
            and _month(p.incident.occurred_at) == month
        )
    ]
    planned = _keep_usual(
        planned,
        month,
        spared={
            ("school-category", school_a.pk, ONLINE),
            ("school-location", school_a.pk, online_location),
            ("board-category", ONLINE),
            ("board-location", online_location),
        },
    )
    incidents, people = write_planned(planned)
    record(
        Actor.system("demo"),
        EventType.DEMO_LOADED,
        board_id=board.pk,
        object_type="board",
        object_id=str(board.pk),
        data={"incidents": incidents, "people": people},
    )
    incidents += _spike(school_a, categories, locations)
    return {"incidents": incidents, "people": people}
