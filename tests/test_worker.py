"""`vangnet worker` runs each periodic job once per interval, whoever runs it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

# The worker closes stale connections between rounds, as a long-running process must;
# inside a test transaction that would close the test's own connection.
pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_round_runs_due_jobs_once():
    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1)
    )
    first, second = io.StringIO(), io.StringIO()
    call_command("worker", "--once", stdout=first)
    call_command("worker", "--once", stdout=second)
    assert "clear_expired_sessions: 1 expired sessions removed" in first.getvalue()
    assert "clear_expired_sessions" not in second.getvalue()  # claimed for 15 minutes
    assert not Session.objects.filter(session_key=old.session_key).exists()
