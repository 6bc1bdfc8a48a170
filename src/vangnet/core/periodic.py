"""Periodic jobs run by `vangnet worker`. Each job is claimed with a conditional
UPDATE (``next_run_at <= now``), so of several workers exactly one runs it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.utils import timezone

from vangnet.core.models import PeriodicJob, SubmissionToken


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[], str]


def clear_expired_sessions() -> str:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return f"{deleted} expired sessions removed"


def purge_submission_tokens() -> str:
    cutoff = timezone.now() - dt.timedelta(days=2)
    deleted, _ = SubmissionToken.objects.filter(created_at__lt=cutoff).delete()
    return f"{deleted} old form tokens removed"


def case_reminders() -> str:
    from vangnet.cases.reminders import case_reminders as run

    return run()


def meeting_action_reminders() -> str:
    from vangnet.meetings.reminders import meeting_action_reminders as run

    return run()


def send_notification_emails() -> str:
    from vangnet.core.notify import send_notification_emails as run

    return run()


JOBS: list[Job] = [
    Job("clear_expired_sessions", dt.timedelta(minutes=15), clear_expired_sessions),
    Job("purge_submission_tokens", dt.timedelta(hours=6), purge_submission_tokens),
    # deadlines of care cases: reminders on the due date, escalation a week after
    Job("case_reminders", dt.timedelta(minutes=15), case_reminders),
    # actions of a care meeting that are not case tasks: a reminder on the due date
    Job("meeting_action_reminders", dt.timedelta(minutes=15), meeting_action_reminders),
    # e-mail only says that a notification waits (only when VANGNET_EMAIL_HOST is set)
    Job("send_notification_emails", dt.timedelta(minutes=5), send_notification_emails),
]


def claim(job: Job, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    PeriodicJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
    claimed = PeriodicJob.objects.filter(name=job.name, next_run_at__lte=now).update(
        next_run_at=now + job.every, last_run_at=now
    )
    return claimed == 1


def run_due(now: dt.datetime | None = None) -> list[tuple[str, str]]:
    done = []
    for job in JOBS:
        if claim(job, now):
            result = job.run()
            PeriodicJob.objects.filter(name=job.name).update(last_result=result[:300])
            done.append((job.name, result))
    return done
