"""Synthetic incidents at scale (``vangnet generate``) and the sampler the demo shares.

The shape follows the seeds (docs/domain.md, module 2): peaks in September, January and
March, almost nothing in the summer holiday, fewer incidents in the Christmas, May,
autumn and spring holidays, weekdays far more than weekends, mostly during school hours
(breaks and lunch most of all); bullying and verbal aggression are common, weapons and
radicalisation rare; one to four people per incident with neutral roles, some pupils
involved far more often than others.

Generated rows are not user activity: they are written in bulk (``COPY`` on PostgreSQL,
``bulk_create`` elsewhere) without signals or audit events per row; one system event
(``DEMO_LOADED`` with ``{"generated": counts}``) records the run.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import string
import time
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, models, transaction
from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType
from vangnet.core.roles import Role
from vangnet.demo.names import ADULT_FIRST_NAMES, FIRST_NAMES, LAST_NAMES
from vangnet.incidents.lists import ensure_lists
from vangnet.incidents.models import (
    Incident,
    IncidentCategory,
    IncidentLocation,
    IncidentPerson,
)
from vangnet.lib.dates import school_year_of
from vangnet.organisations.models import Board, Group, Pupil, RoleAssignment, School, Sector

# --- the shape of a year --------------------------------------------------------------------

# Relative level per calendar month before holidays and weekends are applied.
MONTH_FACTOR: dict[int, float] = {
    1: 1.45,
    2: 1.05,
    3: 1.5,
    4: 1.05,
    5: 0.95,
    6: 1.05,
    7: 0.8,
    8: 0.3,
    9: 1.6,
    10: 1.15,
    11: 1.15,
    12: 0.95,
}
# Monday .. Sunday: Wednesday afternoons are free at most primary schools.
WEEKDAY_FACTOR = (1.0, 1.0, 0.75, 1.0, 0.9, 0.05, 0.04)


def holiday_factor(day: dt.date) -> float:
    """Dutch school holidays (one region's dates, roughly): summer from mid-July to the
    end of August, Christmas, May, and the autumn (week 43) and spring (week 8) weeks."""
    month, date = day.month, day.day
    if (month == 7 and date >= 18) or (month == 8 and date <= 30):
        return 0.02
    if (month == 12 and date >= 20) or (month == 1 and date <= 4):
        return 0.1
    if (month == 4 and date >= 26) or (month == 5 and date <= 5):
        return 0.15
    if day.isocalendar().week in (8, 43):
        return 0.15
    return 1.0


def day_weight(day: dt.date) -> float:
    """How many incidents fall on ``day`` relative to an ordinary school day."""
    return MONTH_FACTOR[day.month] * WEEKDAY_FACTOR[day.weekday()] * holiday_factor(day)


def is_school_day(day: dt.date) -> bool:
    return day.weekday() < 5 and holiday_factor(day) == 1.0


# Hours of a school day (breaks and lunch peak); online incidents also in the evening.
SCHOOL_HOURS: tuple[tuple[int, float], ...] = (
    (8, 5),
    (9, 6),
    (10, 12),
    (11, 7),
    (12, 14),
    (13, 8),
    (14, 7),
    (15, 9),
    (16, 3),
    (17, 1),
)
ONLINE_HOURS: tuple[tuple[int, float], ...] = (
    *SCHOOL_HOURS,
    (18, 3),
    (19, 5),
    (20, 5),
    (21, 3),
)
WEEKEND_HOURS: tuple[tuple[int, float], ...] = tuple((h, 1.0) for h in range(10, 22))

# National code -> relative frequency.
CATEGORY_WEIGHTS: dict[str, float] = {
    "bullying": 24,
    "verbal": 19,
    "physical": 14,
    "online_bullying": 10,
    "intimidation": 6,
    "vandalism": 6,
    "theft": 5,
    "threat": 5,
    "discrimination": 4,
    "sexual": 3,
    "other": 3,
    "drugs_alcohol": 1,
    "weapons": 0.4,
    "radicalisation": 0.2,
}
SEVERITY_WEIGHTS: dict[str, tuple[float, float, float]] = {  # minor, serious, very serious
    "weapons": (20, 45, 35),
    "sexual": (30, 50, 20),
    "radicalisation": (25, 50, 25),
    "threat": (40, 45, 15),
    "physical": (55, 35, 10),
}
DEFAULT_SEVERITY = (72, 24, 4)
SEVERITIES = ("minor", "serious", "very_serious")

# Default location label -> relative frequency (other labels of a board count 1).
LOCATION_WEIGHTS: dict[str, float] = {
    "Klaslokaal": 25,
    "Schoolplein": 30,
    "Toiletten": 6,
    "Gymzaal en kleedkamers": 7,
    "Gang en trappen": 12,
    "Op weg van of naar school": 7,
    "Online": 3,
    "Schoolreis of excursie": 2,
    "Overblijf en buitenschoolse opvang": 5,
    "Elders": 3,
}
ONLINE_LOCATION = "Online"
ONLINE_CODES = frozenset({"online_bullying"})

DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "bullying": (
        "Een leerling werd in de pauze opnieuw buitengesloten en uitgelachen door een groepje.",
        "Al een paar weken worden spullen van een leerling verstopt; vandaag weer de gymtas.",
        "Een leerling werd bij het opstellen steeds weggeduwd en nageroepen.",
    ),
    "online_bullying": (
        "In de groepsapp van de klas zijn gemene berichten over een leerling gedeeld.",
        "Een foto van een leerling is zonder toestemming bewerkt en rondgestuurd.",
        "Een leerling werd uit de klassenapp gezet en daarna bespot in een andere groep.",
    ),
    "sexual": (
        "Een leerling maakte herhaaldelijk seksueel getinte opmerkingen tegen een klasgenoot.",
        "Bij het omkleden werd een leerling tegen haar wil aangeraakt.",
    ),
    "physical": (
        "Ruzie op het plein liep uit op duwen en slaan; een leerling had een bloedneus.",
        "Een leerling schopte een klasgenoot na een conflict bij het voetballen.",
        "Bij het naar binnen gaan werd een leerling hard tegen de muur geduwd.",
    ),
    "verbal": (
        "Een leerling schold een klasgenoot uit met grove woorden.",
        "Tijdens de les werd een leerling herhaaldelijk belachelijk gemaakt.",
        "Een leerling schreeuwde scheldwoorden naar de pleinwacht.",
    ),
    "threat": (
        "Een leerling dreigde een klasgenoot na school op te wachten en te slaan.",
        "Via een bericht werd een leerling bedreigd als hij iets zou vertellen.",
    ),
    "intimidation": (
        "Een groepje leerlingen bleef een jongere leerling volgen en klemzetten bij het hek.",
        "Een leerling werd onder druk gezet om zijn zakgeld af te geven.",
    ),
    "discrimination": (
        "Een leerling werd uitgescholden vanwege zijn afkomst.",
        "Er werden kwetsende opmerkingen gemaakt over het geloof van een klasgenoot.",
    ),
    "radicalisation": (
        "Een leerling deelde extremistische filmpjes en sprak goedkeurend over geweld.",
    ),
    "theft": (
        "Uit een jaszak in de gang is een telefoon verdwenen.",
        "Een leerling nam geld weg uit de tas van een klasgenoot.",
    ),
    "vandalism": (
        "De deur van de toiletten is beklad en het slot is vernield.",
        "Een fiets in de stalling is opzettelijk beschadigd.",
    ),
    "weapons": ("Een leerling had een mes bij zich en liet het zien op het plein.",),
    "drugs_alcohol": ("Na schooltijd zijn leerlingen met alcohol gezien op het schoolplein.",),
    "other": (
        "Een conflict tussen leerlingen dat de rust in de klas verstoorde.",
        "Een onveilige situatie bij het ophalen, met veel onrust bij het hek.",
    ),
}
MEASURES = (
    "Gesprek met de betrokken leerlingen.",
    "Gesprek met de leerlingen en de ouders geïnformeerd.",
    "Afspraken gemaakt in de klas; over een week evalueren.",
    "Herstelgesprek gevoerd tussen de leerlingen.",
    "Extra toezicht in de pauzes.",
    "Ouders uitgenodigd voor een gesprek op school.",
    "",
)
UNREST_AMONG = ("ouders", "de klas", "leerlingen op het plein", "het team", "ouders en leerlingen")


def cumulative(weights: Iterable[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


# --- the rows -------------------------------------------------------------------------------


class IncidentRow(NamedTuple):
    """An incident's columns in the order they are written (without ``id``)."""

    school_id: int
    occurred_at: dt.datetime
    ended_at: dt.datetime | None
    location_id: int
    category_id: int
    national_code: str
    severity: str
    description: str
    unrest: bool
    unrest_among: str
    measures: str
    reporter_id: int
    flag_weighing_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class PersonRow(NamedTuple):
    role: str
    pupil_id: int | None
    staff_id: int | None
    initials: str
    note: str


class Planned(NamedTuple):
    incident: IncidentRow
    people: list[PersonRow]


INCIDENT_COLUMNS = ("id", *IncidentRow._fields)
PERSON_COLUMNS = ("incident_id", *PersonRow._fields)


@dataclass
class SchoolPlan:
    """What the sampler needs to know about one school."""

    school_id: int
    pupil_ids: list[int]  # in sampling order: the first ones are involved most often
    staff_ids: list[int]  # have a role at the school (as the registration form demands)
    reporter_ids: list[int]
    categories: dict[str, int]  # national code -> the board's active category id
    locations: dict[str, int]  # label -> the board's active location id


def board_lists(board_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """The board's active categories (first per national code) and locations."""
    categories: dict[str, int] = {}
    for code, pk in IncidentCategory.objects.filter(board_id=board_id, active=True).values_list(
        "code", "pk"
    ):
        categories.setdefault(code, pk)
    locations = dict(
        IncidentLocation.objects.filter(board_id=board_id, active=True).values_list("label", "pk")
    )
    return categories, locations


class Sampler:
    """Draws incidents for a school over a list of days. All randomness comes from
    ``rng``, so a fixed seed gives the same incidents."""

    def __init__(self, rng: random.Random, now: dt.datetime | None = None) -> None:
        self.rng = rng
        self.now = now or timezone.now()
        self._tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self._offsets: dict[dt.date, dt.tzinfo] = {}
        self._fixed: dict[dt.timedelta, dt.tzinfo] = {}
        self._hours = {
            "school": ([h for h, _ in SCHOOL_HOURS], cumulative(w for _, w in SCHOOL_HOURS)),
            "online": ([h for h, _ in ONLINE_HOURS], cumulative(w for _, w in ONLINE_HOURS)),
            "weekend": ([h for h, _ in WEEKEND_HOURS], cumulative(w for _, w in WEEKEND_HOURS)),
        }
        self._severity = {
            code: cumulative(SEVERITY_WEIGHTS.get(code, DEFAULT_SEVERITY))
            for code in CATEGORY_WEIGHTS
        }

    def tz_of(self, day: dt.date) -> dt.tzinfo:
        """The local UTC offset of a day (taken at noon; incidents fall between 8 and 22)."""
        tz = self._offsets.get(day)
        if tz is None:
            offset = dt.datetime(day.year, day.month, day.day, 12, tzinfo=self._tz).utcoffset()
            assert offset is not None
            tz = self._fixed.setdefault(offset, dt.timezone(offset))
            self._offsets[day] = tz
        return tz

    def sample(
        self,
        plan: SchoolPlan,
        days: Sequence[dt.date],
        cum_weights: Sequence[float],
        count: int,
        category_weights: dict[str, float] | None = None,
    ) -> list[Planned]:
        rng = self.rng
        weights = category_weights if category_weights is not None else CATEGORY_WEIGHTS
        codes = [c for c in weights if c in plan.categories and weights[c] > 0]
        if count <= 0 or not days or not codes or not plan.locations:
            return []
        picked_days = rng.choices(days, cum_weights=cum_weights, k=count)
        picked_codes = rng.choices(
            codes, cum_weights=cumulative(weights[c] for c in codes), k=count
        )
        labels = list(plan.locations)
        location_cum = cumulative(LOCATION_WEIGHTS.get(label, 1.0) for label in labels)
        online_id = plan.locations.get(ONLINE_LOCATION)
        out: list[Planned] = []
        for day, code in zip(sorted(picked_days), picked_codes, strict=True):
            online = code in ONLINE_CODES
            if day.weekday() >= 5:
                hours, hour_cum = self._hours["weekend"]
            else:
                hours, hour_cum = self._hours["online" if online else "school"]
            hour = rng.choices(hours, cum_weights=hour_cum)[0]
            occurred = dt.datetime(
                day.year,
                day.month,
                day.day,
                hour,
                rng.randrange(0, 60, 5),
                tzinfo=self.tz_of(day),
            )
            if online and online_id is not None and rng.random() < 0.85:
                location_id = online_id
            else:
                location_id = plan.locations[rng.choices(labels, cum_weights=location_cum)[0]]
            ended = (
                occurred + dt.timedelta(minutes=rng.randrange(5, 50, 5))
                if rng.random() < 0.15
                else None
            )
            created = min(occurred + dt.timedelta(minutes=rng.randrange(10, 4320)), self.now)
            unrest = rng.random() < 0.1
            out.append(
                Planned(
                    IncidentRow(
                        school_id=plan.school_id,
                        occurred_at=occurred,
                        ended_at=ended if ended is None or ended <= self.now else None,
                        location_id=location_id,
                        category_id=plan.categories[code],
                        national_code=code,
                        severity=rng.choices(
                            SEVERITIES,
                            cum_weights=self._severity.get(code, cumulative(DEFAULT_SEVERITY)),
                        )[0],
                        description=rng.choice(DESCRIPTIONS.get(code, DESCRIPTIONS["other"])),
                        unrest=unrest,
                        unrest_among=rng.choice(UNREST_AMONG) if unrest else "",
                        measures=rng.choice(MEASURES),
                        reporter_id=rng.choice(plan.reporter_ids),
                        flag_weighing_id=None,
                        created_at=created,
                        updated_at=created,
                        version=1,
                    ),
                    self.people(plan, code),
                )
            )
        return out

    def _pupil(self, pupils: list[int], taken: set[int]) -> int | None:
        """A pupil, skewed: a tenth of the list takes part in some 40% of the picks."""
        if len(taken) >= len(pupils):
            return None
        while True:
            pupil = pupils[int(len(pupils) * self.rng.random() ** 2.5)]
            if pupil not in taken:
                taken.add(pupil)
                return pupil

    def _initials(self) -> str:
        letters = string.ascii_uppercase
        return f"{self.rng.choice(letters)}.{self.rng.choice(letters)}."

    def people(self, plan: SchoolPlan, code: str) -> list[PersonRow]:
        """One to four people, neutral roles: who took the initiative, whom it happened to,
        then bystanders, a staff member, a parent or someone from outside the school."""
        rng = self.rng
        r = rng.random()
        count = 1 if r < 0.2 else 2 if r < 0.65 else 3 if r < 0.9 else 4
        taken: set[int] = set()
        people: list[PersonRow] = []
        first_role = "affected" if count == 1 and code in ("online_bullying", "theft") else None
        for n in range(count):
            if n == 0:
                role = first_role or "initiator"
            elif n == 1:
                role = "affected" if people[0].role == "initiator" else "bystander"
            else:
                x = rng.random()
                role = (
                    "bystander"
                    if x < 0.5
                    else "staff"
                    if x < 0.75
                    else "parent"
                    if x < 0.9
                    else "outsider"
                )
            if role in ("initiator", "affected", "bystander"):
                pupil = self._pupil(plan.pupil_ids, taken)
                if pupil is not None:
                    people.append(PersonRow(role, pupil, None, "", ""))
                    continue
                role = "outsider"
            if role == "staff":
                staff = [s for s in plan.staff_ids if s not in {p.staff_id for p in people}]
                if staff:
                    people.append(PersonRow(role, None, rng.choice(staff), "", ""))
                    continue
                role = "outsider"
            people.append(PersonRow(role, None, None, self._initials(), ""))
        return people


# --- writing in bulk ------------------------------------------------------------------------


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys for rows written with explicit ids (PostgreSQL: from the
    table's sequence; SQLite: above the highest id ever used, inside the write lock)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
    return list(range(top + 1, top + 1 + count))


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> int:
    """Write rows (tuples in the order of ``columns``, attribute names) without signals:
    ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere. Concrete fields not named get their
    model default, and the primary key the database's when ``id`` is not named."""
    if not rows:
        return 0
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = set(columns) - set(fields)
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    missing = [a for a in fields if a not in columns and not fields[a].primary_key]
    tail = tuple(fields[a].get_default() for a in missing)
    names = (*columns, *missing)
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        sql = (
            f"COPY {quote(model._meta.db_table)} "
            f"({', '.join(quote(fields[a].column) for a in names)}) FROM STDIN"
        )
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row + tail if tail else row)
    else:
        model._default_manager.bulk_create(
            [model(**dict(zip(names, row + tail, strict=True))) for row in rows],
            batch_size=500,
        )
    return len(rows)


def write_planned(planned: Sequence[Planned]) -> tuple[int, int]:
    """Write incidents with their people. Returns (incidents, people)."""
    ids = reserve_ids(Incident, len(planned))
    insert_rows(
        Incident, INCIDENT_COLUMNS, [(pk, *p.incident) for pk, p in zip(ids, planned, strict=True)]
    )
    people = [(pk, *person) for pk, p in zip(ids, planned, strict=True) for person in p.people]
    insert_rows(IncidentPerson, PERSON_COLUMNS, people)
    return len(planned), len(people)


# --- `vangnet generate` ---------------------------------------------------------------------

BOARD_PREFIX = "Gegenereerd bestuur"
EMAIL_DOMAIN = "gegenereerd.invalid"
BATCH = 20_000  # incidents per write
PUPILS_PER_GROUP = 25
SCHOOL_NAMES = (
    "De Regenboog",
    "Het Kompas",
    "De Wilgen",
    "Het Baken",
    "De Zonnewijzer",
    "De Vlinder",
    "Het Palet",
    "De Horizon",
    "De Springplank",
    "Het Anker",
)
CITIES = ("Lindenhout", "Beekveld", "Oosterzand", "Westerdijk", "Hoogmeer")


@dataclass
class Counts:
    boards: int = 0
    schools: int = 0
    groups: int = 0
    pupils: int = 0
    users: int = 0
    incidents: int = 0
    people: int = 0
    seconds: float = field(default=0.0, compare=False)

    def as_dict(self) -> dict[str, int]:
        data = asdict(self)
        data.pop("seconds")
        return data


def year_windows(today: dt.date, years: int) -> list[tuple[list[dt.date], list[float]]]:
    """``years`` windows of 365 days, the latest ending yesterday, each with the
    cumulative day weights: every calendar day occurs once per window, so every window
    carries the whole seasonal pattern and nothing lies in the future."""
    windows = []
    for k in range(years):
        end = today - dt.timedelta(days=1 + 365 * k)
        days = [end - dt.timedelta(days=364 - i) for i in range(365)]
        windows.append((days, cumulative(day_weight(d) for d in days)))
    return windows


def _next_board_number() -> int:
    number = Board.objects.filter(name__startswith=BOARD_PREFIX).count() + 1
    while Board.objects.filter(name=f"{BOARD_PREFIX} {number}").exists():
        number += 1
    return number


def _adult(rng: random.Random) -> str:
    prefix, last = rng.choice(LAST_NAMES)
    return " ".join(p for p in (rng.choice(ADULT_FIRST_NAMES), prefix, last) if p)


def _board(
    rng: random.Random, number: int, schools: int, pupils: int, today: dt.date, counts: Counts
) -> list[SchoolPlan]:
    """A board with its schools, groups, staff (unusable passwords) and pupils."""
    year = school_year_of(today)
    year_start = int(year[:4])
    board = Board.objects.create(name=f"{BOARD_PREFIX} {number}", sector=Sector.PO)
    ensure_lists(board)
    categories, locations = board_lists(board.pk)
    created = School.objects.bulk_create(
        School(
            board=board,
            name=f"{SCHOOL_NAMES[s % len(SCHOOL_NAMES)]} {number}.{s + 1}",
            code=f"G{number:04d}{s + 1:04d}",
            sector=Sector.PO,
            city=rng.choice(CITIES),
        )
        for s in range(schools)
    )
    per_school_groups = min(8, max(1, math.ceil(pupils / PUPILS_PER_GROUP)))
    groups = Group.objects.bulk_create(
        Group(school=school, name=f"Groep {g + 1}", school_year=year)
        for school in created
        for g in range(per_school_groups)
    )
    password = f"{UNUSABLE_PASSWORD_PREFIX}generated"
    users = User.objects.bulk_create(
        [User(email=f"bestuur.{number}@{EMAIL_DOMAIN}", full_name=_adult(rng), password=password)]
        + [
            User(
                email=f"{who}.{number}.{s + 1}@{EMAIL_DOMAIN}",
                full_name=_adult(rng),
                password=password,
            )
            for s in range(schools)
            for who in ("veiligheid", *(f"groep{g + 1}" for g in range(per_school_groups)))
        ]
    )
    board_user, staff = users[0], users[1:]
    per = 1 + per_school_groups
    assignments = [RoleAssignment(user=board_user, role=Role.BOARD, board=board)]
    teaching = []
    plans = []
    pupil_rows: list[tuple[Any, ...]] = []
    for s, school in enumerate(created):
        mine = staff[s * per : (s + 1) * per]
        school_groups = groups[s * per_school_groups : (s + 1) * per_school_groups]
        assignments.append(
            RoleAssignment(user=mine[0], role=Role.SAFETY_OFFICER, board=board, school=school)
        )
        for group, teacher in zip(school_groups, mine[1:], strict=True):
            assignments.append(
                RoleAssignment(user=teacher, role=Role.TEACHER, board=board, school=school)
            )
            teaching.append(Group.teachers.through(group_id=group.pk, user_id=teacher.pk))
        for i in range(pupils):
            g = i % per_school_groups
            age = 4 + g
            first = rng.choice(FIRST_NAMES)
            prefix, last = rng.choice(LAST_NAMES)
            pupil_rows.append(
                (
                    school.pk,
                    school_groups[g].pk,
                    f"{i + 1:06d}",
                    first,
                    prefix,
                    last,
                    dt.date(year_start - age, 1, 1) + dt.timedelta(days=rng.randrange(365)),
                    dt.date(year_start - g, 8, 20),
                )
            )
        plans.append(
            SchoolPlan(
                school_id=school.pk,
                pupil_ids=[],
                staff_ids=[u.pk for u in mine],
                reporter_ids=[u.pk for u in mine],
                categories=categories,
                locations=locations,
            )
        )
    RoleAssignment.objects.bulk_create(assignments)
    Group.teachers.through.objects.bulk_create(teaching)
    ids = reserve_ids(Pupil, len(pupil_rows))
    insert_rows(
        Pupil,
        (
            "id",
            "school_id",
            "group_id",
            "student_number",
            "first_name",
            "name_prefix",
            "last_name",
            "date_of_birth",
            "enrolled_on",
        ),
        [(pk, *row) for pk, row in zip(ids, pupil_rows, strict=True)],
    )
    for s, plan in enumerate(plans):
        plan.pupil_ids = ids[s * pupils : (s + 1) * pupils]
        rng.shuffle(plan.pupil_ids)  # who is involved most often, at random
    counts.boards += 1
    counts.schools += len(created)
    counts.groups += len(groups)
    counts.users += len(users)
    counts.pupils += len(pupil_rows)
    return plans


def generate(
    *,
    boards: int,
    schools_per_board: int,
    pupils_per_school: int,
    years: int,
    incidents_per_school_year: int,
    seed: int = 0,
    today: dt.date | None = None,
    progress: Callable[[Counts], None] | None = None,
) -> Counts:
    """Create boards full of synthetic data in one transaction; see the module text."""
    if min(boards, schools_per_board, years) < 1 or pupils_per_school < 2:
        raise ValueError("at least 1 board, school and year, and 2 pupils per school")
    if incidents_per_school_year < 0:
        raise ValueError("the number of incidents cannot be negative")
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    now = timezone.now()
    today = today or timezone.localdate()
    windows = year_windows(today, years)
    sampler = Sampler(rng, now)
    counts = Counts()
    buffer: list[Planned] = []

    def flush() -> None:
        incidents, people = write_planned(buffer)
        counts.incidents += incidents
        counts.people += people
        buffer.clear()
        if progress is not None:
            progress(counts)

    with transaction.atomic():
        first = _next_board_number()
        for b in range(boards):
            for plan in _board(rng, first + b, schools_per_board, pupils_per_school, today, counts):
                for days, cum in windows:
                    buffer.extend(sampler.sample(plan, days, cum, incidents_per_school_year))
                    if len(buffer) >= BATCH:
                        flush()
        flush()
        record(
            Actor.system("generate"),
            EventType.DEMO_LOADED,
            object_type="generate",
            data={"generated": counts.as_dict(), "seed": seed},
        )
    counts.seconds = time.monotonic() - started  # with the foreign-key checks at commit
    return counts
