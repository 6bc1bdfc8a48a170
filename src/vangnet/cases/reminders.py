"""Deadlines of care cases: the worker's reminders and escalations (periodic job
``case_reminders``, every 15 minutes; see :mod:`vangnet.core.periodic`).

1. **Reminder.** An open task whose date has come (due today or overdue) and that was not
   reminded yet is claimed with a conditional update (``reminded_at`` empty → now): of two
   workers exactly one gets it. It notifies the colleague who was asked (while the task is
   still on their list, see :func:`vangnet.core.access.visible_case_tasks`), otherwise every
   owner of the case who still works on it at the pupil's school.
2. **Escalation.** An open step term that names roles to escalate to (the Meldcode: the
   director) and is :data:`ESCALATE_AFTER_DAYS` or more days past its date is claimed the
   same way (``escalated_at``) and notifies the holders of those roles at the case's
   school (board roles: at the school's board).
3. **Audit.** Each batch writes one system event per board with the counts (no names, no
   task titles): ``CASE_REMINDER_SENT`` by ``Actor.system("worker")``, in the transaction
   that claimed the tasks and created the notifications. A run handles its tasks in
   batches of :data:`BATCH` (one batch, so one event per board, in practice).

In-app titles name the task, the case reference and the pupil's first name with the initial
of the last name; the e-mail that may follow names none of it (see
:mod:`vangnet.core.notify`). The link is the case page for whoever may open the case, and
the task list (``/taken/``) for a colleague who was only asked to do something.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from vangnet.cases.models import Case, CaseMember, CaseTask
from vangnet.core import access
from vangnet.core.audit import Actor, Entry, record_many
from vangnet.core.models import EventType
from vangnet.core.notify import Note, notify_many
from vangnet.core.roles import BOARD_ROLES, Role

if TYPE_CHECKING:
    from vangnet.accounts.models import User

ESCALATE_AFTER_DAYS = 7
BATCH = 200
OPEN_STATES = (Case.State.OPEN, Case.State.MONITORING)


def case_reminders(today: dt.date | None = None) -> str:
    """The periodic job: remind, escalate, audit. Returns a one-line summary."""
    today = today or timezone.localdate()
    totals: Counter[str] = Counter()
    with translation.override(settings.LANGUAGE_CODE):
        while True:
            with transaction.atomic():
                done = _remind_batch(today, totals)
            if done < BATCH:
                break
        while True:
            with transaction.atomic():
                done = _escalate_batch(today, totals)
            if done < BATCH:
                break
    return (
        f"{totals['reminded']} tasks reminded, {totals['escalated']} escalated, "
        f"{totals['notifications']} notifications"
    )


# --- reminders ----------------------------------------------------------------------------


def _remind_batch(today: dt.date, totals: Counter[str]) -> int:
    candidates = list(
        CaseTask.objects.filter(
            done_at__isnull=True,
            reminded_at__isnull=True,
            due_on__lte=today,
            case__state__in=OPEN_STATES,
        )
        .select_related("case__pupil", "case__school", "assignee")
        .order_by("due_on", "id")[:BATCH]
    )
    now = timezone.now()
    claimed = [task for task in candidates if _claim(task, "reminded_at", now)]
    people = _People(task.case for task in claimed)
    notes: list[Note] = []
    per_board: dict[int, Counter[str]] = {}
    for task in claimed:
        recipients = people.for_task(task)
        title = _reminder_title(task, today)
        notes += [
            Note(user.pk, f"case-task:{task.pk}:due", title, people.url(user, task))
            for user in recipients
        ]
        board = per_board.setdefault(task.case.school.board_id, Counter())
        board["reminded"] += 1
        board["notifications"] += len(recipients)
    notify_many(notes, at_once=True)
    _audit(per_board, totals)
    return len(candidates)


def _reminder_title(task: CaseTask, today: dt.date) -> str:
    values = {
        "task": task.title,
        "ref": task.case.reference,
        "pupil": short_name(task.case.pupil),
        "due": formats.date_format(task.due_on, "j F Y"),
    }
    if task.due_on >= today:
        return _("Uiterlijk vandaag: %(task)s in %(ref)s (%(pupil)s)") % values
    return _("Datum verstreken: %(task)s in %(ref)s (%(pupil)s), uiterlijk %(due)s") % values


def short_name(pupil: object) -> str:
    """First name and the initial of the last name ("Anna V."): enough to recognise the
    pupil in one's own notifications, less than the full name."""
    first = getattr(pupil, "first_name", "")
    last = getattr(pupil, "last_name", "")
    return f"{first} {last[:1]}." if last else str(first)


# --- escalation -----------------------------------------------------------------------------


def _escalate_batch(today: dt.date, totals: Counter[str]) -> int:
    cutoff = today - dt.timedelta(days=ESCALATE_AFTER_DAYS)
    candidates = list(
        CaseTask.objects.filter(
            kind=CaseTask.Kind.TERM,
            done_at__isnull=True,
            escalated_at__isnull=True,
            due_on__lte=cutoff,
            case__state__in=OPEN_STATES,
        )
        .exclude(escalate_to="")
        .select_related("case__pupil", "case__school")
        .order_by("due_on", "id")[:BATCH]
    )
    now = timezone.now()
    claimed = [task for task in candidates if _claim(task, "escalated_at", now)]
    people = _People(task.case for task in claimed)
    notes: list[Note] = []
    per_board: dict[int, Counter[str]] = {}
    for task in claimed:
        roles = [r.strip() for r in task.escalate_to.split(",") if r.strip()]
        recipients = people.holding(roles, task.case)
        title = _("Stap loopt achter in %(ref)s: %(task)s, uiterlijk %(due)s") % {
            "ref": task.case.reference,
            "task": task.title,
            "due": formats.date_format(task.due_on, "j F Y"),
        }
        notes += [
            Note(user.pk, f"case-task:{task.pk}:escalated", title, people.url(user, task))
            for user in recipients
        ]
        board = per_board.setdefault(task.case.school.board_id, Counter())
        board["escalated"] += 1
        board["notifications"] += len(recipients)
    notify_many(notes, at_once=True)
    _audit(per_board, totals)
    return len(candidates)


# --- shared ---------------------------------------------------------------------------------


def _claim(task: CaseTask, column: str, now: dt.datetime) -> bool:
    """Conditional update: only one worker turns the column from empty to ``now``."""
    return (
        CaseTask.objects.filter(
            pk=task.pk, done_at__isnull=True, **{f"{column}__isnull": True}
        ).update(**{column: now})
        == 1
    )


def _audit(per_board: dict[int, Counter[str]], totals: Counter[str]) -> None:
    entries = [
        Entry(
            EventType.CASE_REMINDER_SENT,
            board_id=board_id,
            object_type="case_reminders",
            data={
                "reminded": counts["reminded"],
                "escalated": counts["escalated"],
                "notifications": counts["notifications"],
            },
        )
        for board_id, counts in sorted(per_board.items())
    ]
    if entries:
        record_many(Actor.system("worker"), entries)
    for counts in per_board.values():
        totals.update(counts)


class _People:
    """The users a batch of reminders concerns, read once per batch. Who may open a case
    or still has a task on their list is asked of :mod:`vangnet.core.access`."""

    def __init__(self, cases: Iterable[Case]) -> None:
        from vangnet.accounts.models import User

        self.cases = {c.pk: c for c in cases}
        self.owners: dict[int, list[int]] = {}
        for case_id, user_id in CaseMember.objects.filter(
            case_id__in=self.cases, kind=CaseMember.Kind.OWNER
        ).values_list("case_id", "user_id"):
            self.owners.setdefault(case_id, []).append(user_id)
        ids = {uid for users in self.owners.values() for uid in users}
        self.users: dict[int, User] = {
            u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)
        }
        self._visible: dict[int, frozenset[int]] = {}

    def _user(self, user: User) -> User:
        return self.users.setdefault(user.pk, user)

    def visible_case_ids(self, user: User) -> frozenset[int]:
        """Of this batch's cases, those ``user`` may open."""
        user = self._user(user)
        if user.pk not in self._visible:
            self._visible[user.pk] = frozenset(
                access.visible_cases(user)
                .filter(pk__in=list(self.cases))
                .values_list("pk", flat=True)
            )
        return self._visible[user.pk]

    def url(self, user: User, task: CaseTask) -> str:
        if task.case_id in self.visible_case_ids(user):
            return reverse("case_detail", args=[task.case_id])
        if task.assignee_id == user.pk:
            return reverse("my_tasks")
        return ""

    def for_task(self, task: CaseTask) -> list[User]:
        """The asked colleague while the task is on their list, else the working owners;
        when no owner works at the school any more, its director (who can take the case
        over): a reminder must never go nowhere."""
        assignee = task.assignee
        if assignee is not None and assignee.is_active:
            assignee = self._user(assignee)
            if access.visible_case_tasks(assignee).filter(pk=task.pk).exists():
                return [assignee]
        case = self.cases[task.case_id]
        owners = [self.users[uid] for uid in self.owners.get(case.pk, []) if uid in self.users]
        working = [u for u in owners if access.can_work_on_case(u, case)]
        return working or self.holding([Role.SAFETY_OFFICER], case)

    def holding(self, roles: list[str], case: Case) -> list[User]:
        """Active users holding one of ``roles`` at the case's school (board roles: at its
        board)."""
        from vangnet.accounts.models import User
        from vangnet.organisations.models import RoleAssignment

        school_roles = [r for r in roles if r not in BOARD_ROLES]
        board_roles = [r for r in roles if r in BOARD_ROLES]
        held = RoleAssignment.objects.filter(
            role__in=school_roles, school_id=case.school_id
        ) | RoleAssignment.objects.filter(role__in=board_roles, board_id=case.school.board_id)
        users = User.objects.filter(is_active=True, pk__in=held.values("user_id")).order_by("pk")
        return [self._user(u) for u in users]
