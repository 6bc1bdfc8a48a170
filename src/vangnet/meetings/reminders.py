"""Reminders for the actions of a care meeting that are not tasks on a case (an action on
an early warning, the trends or another topic): the worker tells the owner once, on the
due date. Actions on a case item are case tasks and are reminded with them
(:mod:`vangnet.cases.reminders`). A notification names no pupil: only that an action of
the meeting of a date is due."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from vangnet.core.audit import Actor, Entry, record_many
from vangnet.core.models import EventType
from vangnet.core.notify import Note, notify_many
from vangnet.meetings.models import ItemAction

BATCH = 200


def meeting_action_reminders(today: dt.date | None = None) -> str:
    """The periodic job. Returns a one-line summary."""
    today = today or timezone.localdate()
    reminded = 0
    with translation.override(settings.LANGUAGE_CODE):
        while True:
            with transaction.atomic():
                done = _batch(today)
            reminded += done
            if done < BATCH:
                break
    return f"{reminded} meeting actions reminded"


def _batch(today: dt.date) -> int:
    candidates = list(
        ItemAction.objects.filter(task__isnull=True, reminded_at__isnull=True, due_on__lte=today)
        .select_related("item__meeting__series__school")
        .order_by("due_on", "id")[:BATCH]
    )
    now = timezone.now()
    claimed = [
        a
        for a in candidates
        if ItemAction.objects.filter(pk=a.pk, reminded_at__isnull=True).update(reminded_at=now)
    ]
    notes = [
        Note(
            action.owner_id,
            f"meeting-action:{action.pk}:due",
            _("Actie uit het zorgoverleg van %(date)s: uiterlijk %(due)s")
            % {
                "date": formats.date_format(action.item.meeting.held_on, "j F Y"),
                "due": formats.date_format(action.due_on, "j F Y"),
            },
            reverse("care_meeting_detail", args=[action.item.meeting_id]),
        )
        for action in claimed
    ]
    notify_many(notes, at_once=True)
    per_board: Counter[int] = Counter(
        action.item.meeting.series.school.board_id for action in claimed
    )
    if per_board:
        record_many(
            Actor.system("worker"),
            [
                Entry(
                    EventType.MEETING_REMINDER_SENT,
                    board_id=board_id,
                    object_type="meeting_reminders",
                    data={"reminded": count},
                )
                for board_id, count in sorted(per_board.items())
            ],
        )
    return len(claimed)
