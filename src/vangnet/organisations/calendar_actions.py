"""Changing a board's holidays and measure terms. Each action runs in one transaction and
writes its audit event in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType
from vangnet.core.submissions import ConflictError
from vangnet.lib.measure_rules import defaults, with_overrides
from vangnet.organisations.models import Board, MeasureRuleOverride, School, SchoolHoliday


class DuplicateHoliday(Exception):
    """The same name and dates are already entered for these schools."""


def duplicate_of(
    board: Board, school: School | None, name: str, first_day: dt.date, last_day: dt.date
) -> SchoolHoliday | None:
    """An existing row with the same name (any case) and dates for the same schools, or
    for every school of the board (which already covers a single school)."""
    scope = Q(school__isnull=True)
    if school is not None:
        scope |= Q(school=school)
    return (
        SchoolHoliday.objects.filter(
            scope, board=board, first_day=first_day, last_day=last_day, name__iexact=name
        )
        .order_by("pk")
        .first()
    )


def do_add_holiday(
    board: Board,
    *,
    name: str,
    first_day: dt.date,
    last_day: dt.date,
    school: School | None,
    actor: Actor,
) -> SchoolHoliday:
    """Enter a closed period; raises :class:`DuplicateHoliday` when it is already there."""
    if school is not None and school.board_id != board.pk:
        raise ValueError("the school belongs to another board")
    with transaction.atomic():
        # Serialise additions per board, so the duplicate check holds against a
        # concurrent request (the unique constraints back it up).
        Board.objects.select_for_update().filter(pk=board.pk).first()
        if duplicate_of(board, school, name, first_day, last_day) is not None:
            raise DuplicateHoliday
        try:
            with transaction.atomic():
                holiday = SchoolHoliday.objects.create(
                    board=board, school=school, name=name, first_day=first_day, last_day=last_day
                )
        except IntegrityError:
            raise DuplicateHoliday from None
        record(
            actor,
            EventType.CALENDAR_CHANGED,
            board_id=board.pk,
            school_id=school.pk if school else None,
            object_type="school_holiday",
            object_id=str(holiday.pk),
            data={"added": holiday.snapshot()},
        )
    return holiday


def do_remove_holiday(holiday: SchoolHoliday, *, actor: Actor) -> None:
    with transaction.atomic():
        snapshot = holiday.snapshot()
        pk = holiday.pk
        deleted, _rows = SchoolHoliday.objects.filter(pk=pk).delete()
        if not deleted:  # removed in the meantime: nothing changed, nothing to record
            return
        record(
            actor,
            EventType.CALENDAR_CHANGED,
            board_id=holiday.board_id,
            school_id=holiday.school_id,
            object_type="school_holiday",
            object_id=str(pk),
            data={"removed": snapshot},
        )


def do_set_measure_rules(
    board: Board, sector: str, values: dict[str, Any], *, version: int, actor: Actor
) -> dict[str, Any]:
    """Store the board's values for ``sector`` (validated by
    :func:`~vangnet.lib.measure_rules.with_overrides`, which raises on a value that is not
    allowed). ``version`` is the one the form was opened with (0: no values stored yet);
    raises :class:`ConflictError` when somebody saved in between. Returns what changed."""
    rules = with_overrides(defaults(sector), values)
    wanted = rules.overrides()
    with transaction.atomic():
        row, _created = MeasureRuleOverride.objects.select_for_update().get_or_create(
            board=board, sector=sector, defaults={"values": {}, "version": 0}
        )
        if row.version != version:
            raise ConflictError
        old = dict(row.values)
        if old == wanted:
            return {}
        MeasureRuleOverride.objects.filter(pk=row.pk).update(
            values=wanted, version=F("version") + 1
        )
        base = defaults(sector)
        names = sorted(set(old) | set(wanted))
        changes = {
            "sector": sector,
            "old": {n: old.get(n, getattr(base, n)) for n in names},
            "new": {n: wanted.get(n, getattr(base, n)) for n in names},
        }
        record(
            actor,
            EventType.MEASURE_RULES_CHANGED,
            board_id=board.pk,
            object_type="measure_rules",
            object_id=f"{board.pk}:{sector}",
            data=changes,
        )
    return changes
