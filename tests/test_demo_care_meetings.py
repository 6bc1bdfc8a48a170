"""`vangnet demo` and issue 7 (item 6): at the university a student case escalated to the
multidisciplinary meeting, one shared with care after the Executive Board's approval and
one acute case; at De Regenboog a care meeting with agenda and minutes — on any day."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from vangnet.cases.models import Case, CaseTask, ExternalExchange
from vangnet.meetings import agenda
from vangnet.meetings.models import AgendaItem, CareMeeting
from vangnet.sharing.models import SharingRequest

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")


def _load() -> None:
    call_command("demo", "--pupils-per-group", "3", stdout=io.StringIO())


def _facts() -> None:
    weighed = SharingRequest.objects.get(route="weighed")
    assert (weighed.status, weighed.decision_channel) == ("shared", "in_app")
    assert weighed.decided_at is not None and weighed.shared_at is not None
    assert weighed.decided_at < weighed.shared_at
    assert ExternalExchange.objects.get(pk=weighed.exchange_id).basis == "weighed"
    acute = SharingRequest.objects.get(route="acute")
    assert (acute.status, acute.decision_channel) == ("shared", "phone")
    assert acute.confirmed_on is None
    assert CaseTask.objects.filter(key=f"sharing:{acute.pk}:confirm", done_at=None).exists()
    he = Case.objects.filter(protocol="he_concern")
    assert he.count() == 3
    assert he.filter(current_step="meeting").count() == 2
    held, planned = (
        CareMeeting.objects.filter(series__school__code="91AA00").order_by("held_on").all()[:2]
    )
    today = timezone.localdate()
    assert held.held_on < today <= planned.held_on
    assert held.closed_at is not None
    assert held.items.filter(kind=AgendaItem.Kind.CASE).count() == 2
    assert not held.items.filter(decision="").exists()
    assert planned.items.filter(kind=AgendaItem.Kind.TRENDS).exists()
    # a GGD nurse attends: the agenda is pseudonymised by default and names nobody
    pseudonymised, items = agenda.view(held)
    assert pseudonymised
    names = agenda.people_of(held.series.school)
    text = " ".join(f"{i.title} {i.who} {i.reason} {i.analysis} {i.decision}" for i in items)
    assert names.find(text) == []


def test_demo_he_cases_and_care_meeting() -> None:
    _load()
    _facts()
    _load()  # idempotent
    assert SharingRequest.objects.count() == 2


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 12, 27, 11, 0),  # Christmas holiday, a Sunday
        dt.datetime(2027, 8, 2, 0, 20),  # summer holiday, just after midnight
    ],
)
def test_demo_he_cases_on_any_day(moment: dt.datetime) -> None:
    with time_machine.travel(moment.replace(tzinfo=AMS), tick=True):
        _load()
        _facts()
