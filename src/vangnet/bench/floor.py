"""The plain-SQL floor: the same data a page or API call shows, read with one hand-written
query through ``django.db.connection.cursor()``, single-threaded, in this process.

No access policy, no ORM, no template, no HTTP: what any implementation must at least pay.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from vangnet.bench.load import Stats
from vangnet.lib.dates import school_year_of
from vangnet.organisations.models import Group, Guardian, GuardianLink, Pupil, School


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "pupil": quote(Pupil._meta.db_table),
        "school": quote(School._meta.db_table),
        "group": quote(Group._meta.db_table),
        "teachers": quote(Group.teachers.through._meta.db_table),
        "link": quote(GuardianLink._meta.db_table),
        "guardian": quote(Guardian._meta.db_table),
    }


def pupil_sql() -> str:
    """One pupil with school, group and guardians (one row per guardian)."""
    t = _tables()
    return (
        "SELECT p.id, p.student_number, p.first_name, p.name_prefix, p.last_name, "  # noqa: S608 - table names from the models
        "p.date_of_birth, s.id, s.name, s.board_id, g.id, g.name, g.school_year, "
        "gl.relation, gl.parental_authority, gd.name, gd.email, gd.phone "
        f"FROM {t['pupil']} p "
        f"JOIN {t['school']} s ON s.id = p.school_id "
        f"LEFT JOIN {t['group']} g ON g.id = p.group_id "
        f"LEFT JOIN {t['link']} gl ON gl.pupil_id = p.id "
        f"LEFT JOIN {t['guardian']} gd ON gd.id = gl.guardian_id "
        "WHERE p.id = %s "
        "ORDER BY gl.parental_authority DESC, gd.name"
    )


def pupil_list_sql() -> str:
    """The first ``limit`` pupils of the groups a teacher teaches this school year."""
    t = _tables()
    return (
        "SELECT p.id, p.first_name, p.name_prefix, p.last_name, p.school_id, "  # noqa: S608 - table names from the models
        "g.id, g.name, g.school_year "
        f"FROM {t['pupil']} p "
        f"JOIN {t['group']} g ON g.id = p.group_id "
        f"JOIN {t['teachers']} t ON t.group_id = g.id "
        "WHERE t.user_id = %s AND g.school_year = %s "
        "ORDER BY p.last_name, p.first_name, p.id "
        "LIMIT %s"
    )


def read_pupil(pupil_id: int) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(pupil_sql(), [pupil_id])
        return list(cursor.fetchall())


def read_pupil_list(user_id: int, limit: int = 50) -> list[tuple[Any, ...]]:
    year = school_year_of(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(pupil_list_sql(), [user_id, year, limit])
        return list(cursor.fetchall())


@dataclass
class FloorResult:
    name: str
    label: str
    rows: int
    stats: Stats

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "label": self.label, "rows": self.rows, **self.stats.summary()}


def measure(
    fn: Callable[[], list[tuple[Any, ...]]], *, seconds: float, warmup: float = 0.2
) -> tuple[int, Stats]:
    """Call ``fn`` back to back for ``seconds`` (after ``warmup``); single thread."""
    rows = len(fn())
    warm_until = time.perf_counter() + max(0.0, warmup)
    while time.perf_counter() < warm_until:
        fn()
    latencies: list[float] = []
    start = time.perf_counter()
    end = start + max(0.0, seconds)
    finished = start
    while True:
        began = time.perf_counter()
        if began >= end and latencies:
            break
        fn()
        finished = time.perf_counter()
        latencies.append(finished - began)
    return rows, Stats(latencies, max(finished - start, 1e-9))


def measure_floors(
    *, pupil_id: int, user_id: int, list_limit: int, seconds: float
) -> dict[str, FloorResult]:
    """The floors of the pupil page and of the API list, keyed by scenario name."""
    rows, stats = measure(lambda: read_pupil(pupil_id), seconds=seconds)
    pupil = FloorResult("pupil", "pupil row + school + group + guardians", rows, stats)
    rows, stats = measure(lambda: read_pupil_list(user_id, list_limit), seconds=seconds)
    listed = FloorResult("api", f"{list_limit} visible pupils + group", rows, stats)
    return {"pupil": pupil, "api": listed}
