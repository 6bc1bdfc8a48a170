"""Deadlines of care cases: the worker reminds on the due date (once, whoever runs it) and
escalates a step term a week after it passed, to the school's director only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.world import World, build_world, make_user
from vangnet.cases import actions, reminders
from vangnet.cases.models import Case, CaseMember, CaseTask
from vangnet.core.audit import Actor, verify
from vangnet.core.models import AuditEvent, EventType, Notification
from vangnet.core.periodic import JOBS
from vangnet.core.roles import Role
from vangnet.organisations.models import RoleAssignment

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=AMS)  # a Monday


@pytest.fixture
def frozen(db):
    """A world built on a fixed day; the clock moves only when told."""
    with time_machine.travel(START, tick=False) as clock:
        yield build_world(), clock


def at(clock, day: dt.date, hour: int = 9) -> None:
    clock.move_to(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=AMS))


def notes(user=None) -> list[Notification]:
    qs = Notification.objects.order_by("id")
    return list(qs.filter(user=user) if user is not None else qs)


def reminder_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=EventType.CASE_REMINDER_SENT))


def open_case(world: World) -> Case:
    """A Meldcode case on pupil A6 by the care coordinator: step 1's term is 14 days."""
    return actions.do_open_case(world.pupil_a6, "meldcode", actor=Actor(world["care_a"]))


def director_of_school_b(world: World) -> object:
    user = make_user("director.b@test.invalid", "Director B")
    RoleAssignment.objects.create(
        user=user, role=Role.SAFETY_OFFICER, board=world.board, school=world.school_b
    )
    return user


def test_the_job_is_registered_every_15_minutes():
    job = next(j for j in JOBS if j.name == "case_reminders")
    assert job.every == dt.timedelta(minutes=15)
    assert any(j.name == "send_notification_emails" for j in JOBS)


def test_the_worker_round_runs_the_reminders(frozen, settings):
    from vangnet.core.periodic import run_due

    settings.EMAIL_HOST = ""
    world, clock = frozen
    at(clock, world.task.due_on)
    done = dict(run_due())
    assert done["case_reminders"].startswith("1 tasks reminded")
    assert done["send_notification_emails"] == "e-mail not configured; nothing sent"
    assert "case_reminders" not in dict(run_due())  # claimed for 15 minutes
    assert len(notes()) == 1


def test_nothing_before_the_due_date(frozen):
    world, clock = frozen
    case = open_case(world)
    term = case.tasks.get(kind=CaseTask.Kind.TERM)
    assert term.due_on == dt.date(2025, 3, 17) and world.task.due_on == dt.date(2025, 3, 10)

    at(clock, dt.date(2025, 3, 9), hour=23)
    reminders.case_reminders()
    assert notes() == []
    assert not CaseTask.objects.filter(reminded_at__isnull=False).exists()
    assert reminder_events() == []  # a run that did nothing writes nothing


def test_reminded_once_on_the_due_date_even_when_the_job_runs_twice(frozen):
    world, clock = frozen
    at(clock, world.task.due_on, hour=7)
    first = reminders.case_reminders()
    second = reminders.case_reminders()
    assert first.startswith("1 tasks reminded") and second.startswith("0 tasks reminded")

    (note,) = notes()
    assert note.user == world["teacher_a"]  # the colleague who was asked
    assert note.url == "/taken/"  # not in the case: their task list, not the case page
    assert world.case.reference in note.title and "Anna V." in note.title
    assert "Visser" not in note.title
    assert "vandaag" in note.title
    world.task.refresh_from_db()
    assert world.task.reminded_at is not None

    (event,) = reminder_events()
    assert event.actor_id is None and event.actor_label == "worker"
    assert event.channel == "system"
    assert event.chain == f"board:{world.board.pk}" and event.pupil_id is None
    assert event.data == {"reminded": 1, "escalated": 0, "notifications": 1}
    assert all(r.ok for r in verify())


def test_a_missed_due_date_is_reminded_late_and_says_so(frozen):
    world, clock = frozen
    at(clock, world.task.due_on + dt.timedelta(days=2))
    reminders.case_reminders()
    (note,) = notes(world["teacher_a"])
    assert "Datum verstreken" in note.title and "10 maart 2025" in note.title


def test_an_unassigned_task_reminds_every_owner_still_working_at_the_school(frozen):
    world, clock = frozen
    case = open_case(world)
    second = make_user("care.a2@test.invalid", "Care A2")
    RoleAssignment.objects.create(
        user=second, role=Role.CARE_COORDINATOR, board=world.board, school=world.school_a
    )
    gone = make_user("care.gone@test.invalid", "Left The School")
    for user in (second, gone):
        CaseMember.objects.create(
            case=case, user=user, kind=CaseMember.Kind.OWNER, added_by=world["care_a"]
        )
    member = world["director_a"]  # added, not an owner: not reminded of the owners' terms
    CaseMember.objects.create(case=case, user=member, added_by=world["care_a"])

    at(clock, dt.date(2025, 3, 17))
    reminders.case_reminders()
    term_notes = Notification.objects.filter(key__startswith=f"case-task:{case.tasks.get().pk}")
    assert {n.user for n in term_notes} == {world["care_a"], second}
    assert {n.url for n in term_notes} == {f"/trajecten/{case.pk}/"}


def test_an_assignee_who_left_the_school_hands_the_reminder_to_the_owners(frozen):
    world, clock = frozen
    RoleAssignment.objects.filter(user=world["teacher_a"]).delete()
    at(clock, world.task.due_on)
    reminders.case_reminders()
    (note,) = notes()
    assert note.user == world["care_a"] and note.url == f"/trajecten/{world.case.pk}/"


def test_an_assignee_who_is_in_the_case_gets_the_case_page(frozen):
    world, clock = frozen
    CaseMember.objects.create(case=world.case, user=world["teacher_a"], added_by=world["care_a"])
    at(clock, world.task.due_on)
    reminders.case_reminders()
    (note,) = notes()
    assert note.user == world["teacher_a"] and note.url == f"/trajecten/{world.case.pk}/"


def test_escalation_after_seven_days_only_to_the_director_of_the_school(frozen):
    world, clock = frozen
    director_b = director_of_school_b(world)
    case = open_case(world)
    term = case.tasks.get(kind=CaseTask.Kind.TERM)
    assert term.escalate_to == Role.SAFETY_OFFICER

    at(clock, term.due_on + dt.timedelta(days=6))
    reminders.case_reminders()
    on_term = Notification.objects.filter(key__startswith=f"case-task:{term.pk}:")
    assert [n.user for n in on_term] == [world["care_a"]]  # the owner's reminder only
    term.refresh_from_db()
    assert term.reminded_at is not None and term.escalated_at is None

    at(clock, term.due_on + dt.timedelta(days=7))
    reminders.case_reminders()
    reminders.case_reminders()
    escalated = Notification.objects.filter(key=f"case-task:{term.pk}:escalated")
    (note,) = escalated
    assert note.user == world["director_a"]
    assert note.title.startswith(f"Stap loopt achter in {case.reference}")
    assert "Bram" not in note.title and "Bakker" not in note.title
    assert note.url == f"/trajecten/{case.pk}/"  # the director may open the case
    assert not Notification.objects.filter(user=director_b).exists()
    term.refresh_from_db()
    assert term.escalated_at is not None
    assert [e.data["escalated"] for e in reminder_events()] == [0, 1]  # one event per run


def test_requests_and_reviews_are_not_escalated(frozen):
    world, clock = frozen
    at(clock, world.task.due_on + dt.timedelta(days=30))
    reminders.case_reminders()
    assert [n.key for n in notes()] == [f"case-task:{world.task.pk}:due"]


def test_done_tasks_and_closed_cases_never_remind(frozen):
    world, clock = frozen
    actions.do_complete_task(world.task, note="Gedaan", actor=Actor(world["teacher_a"]))
    closed = open_case(world)
    Case.objects.filter(pk=closed.pk).update(state=Case.State.CLOSED)  # a task left open
    at(clock, dt.date(2025, 6, 1))
    reminders.case_reminders()
    assert notes() == []
    assert not CaseTask.objects.filter(reminded_at__isnull=False).exists()


def test_two_workers_claim_a_task_once(frozen):
    world, _clock = frozen
    now = timezone.now()
    assert reminders._claim(world.task, "reminded_at", now) is True
    assert reminders._claim(world.task, "reminded_at", now) is False
    assert reminders._claim(world.task, "escalated_at", now) is True


def test_without_a_working_owner_the_director_is_reminded(frozen):
    """An inactive owner, or one who left the school, is not notified; a reminder must not
    go nowhere, so the school's director (who can take the case over) gets it."""
    world, clock = frozen
    case = open_case(world)
    care = world["care_a"]
    care.is_active = False
    care.save()
    director_of_school_b(world)
    at(clock, dt.date(2025, 3, 17))
    reminders.case_reminders()
    told = Notification.objects.filter(key__startswith=f"case-task:{case.tasks.get().pk}")
    assert {n.user for n in told} == {world["director_a"]}
    assert {n.url for n in told} == {f"/trajecten/{case.pk}/"}
    assert case.tasks.get().reminded_at is not None


def test_the_short_name_is_first_name_and_initial():
    class P:
        first_name, name_prefix, last_name = "Jan", "de", "Vries"

    assert reminders.short_name(P()) == "Jan V."


# --- the start page -------------------------------------------------------------------------


def home(world: World, persona: str) -> str:
    from django.test import Client

    client = Client()
    client.force_login(world[persona])
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    """The HTML of one start-page section (empty when it is not there)."""
    start = html.find(f'aria-labelledby="{heading_id}"')
    if start < 0:
        return ""
    return html[start : html.find("</section>", start)]


def test_the_owner_sees_their_cases_and_deadlines_overdue_first(frozen):
    world, clock = frozen
    case = open_case(world)  # step 1's term: 17 March
    CaseTask.objects.create(
        case=case,
        kind=CaseTask.Kind.REVIEW,
        title="Evaluatie met moeder",
        due_on=dt.date(2025, 3, 12),
        created_by=world["care_a"],
    )
    at(clock, dt.date(2025, 3, 14))
    html = home(world, "care_a")
    tasks = section(html, "h-case-tasks")
    # overdue first and marked; the term within the week after; teacher A's request is not
    # the care coordinator's task
    assert tasks.index("Evaluatie met moeder") < tasks.index("Stap 1 afronden")
    assert 'class="overdue"' in tasks and "Te laat" in tasks and "2 dagen" in tasks
    assert "nog 3 dagen" in tasks
    assert "Let op hoe Anna" not in tasks
    assert f'href="/trajecten/{case.pk}/"' in tasks
    cases = section(html, "h-my-cases")
    assert case.reference in cases and world.case.reference in cases
    assert "Stap 1: signalen in kaart brengen" in cases and "Bram Bakker" in cases
    assert "11 dagen" in cases  # in this step since 3 March
    assert "datum verstreken" in cases  # the case with the overdue review


def test_the_asked_teacher_sees_the_request_linked_to_the_task_list(frozen):
    world, clock = frozen
    open_case(world)
    at(clock, dt.date(2025, 3, 5))
    html = home(world, "teacher_a")
    tasks = section(html, "h-case-tasks")
    assert "Let op hoe Anna" in tasks and 'href="/taken/"' in tasks and "nog 5 dagen" in tasks
    assert "/trajecten/" not in tasks
    assert section(html, "h-my-cases") == ""  # not in any case
    assert section(html, "h-cases-behind") == ""
    assert section(home(world, "teacher_b"), "h-case-tasks") == ""


def test_the_director_sees_the_cases_of_their_school_that_are_behind(frozen):
    world, clock = frozen
    case = open_case(world)
    director_b = director_of_school_b(world)
    at(clock, dt.date(2025, 3, 17))
    assert "Geen enkel zorgtraject" in section(home(world, "director_a"), "h-cases-behind")
    at(clock, dt.date(2025, 3, 20))
    behind = section(home(world, "director_a"), "h-cases-behind")
    assert case.reference in behind and "3 dagen" in behind and "Bram Bakker" in behind
    assert world.case.reference not in behind  # no step past its term
    assert section(home(world, "care_a"), "h-cases-behind") == ""  # directors only
    from django.test import Client

    client = Client()
    client.force_login(director_b)
    assert case.reference not in client.get("/").content.decode()


def test_long_lists_stop_at_twenty_with_a_link_to_the_task_list(frozen):
    from vangnet.bench.care import add_care_cases

    world, _clock = frozen
    add_care_cases(world["care_a"], world.school_a, 30, tasks_per_case=3)
    html = home(world, "care_a")
    for heading in ("h-case-tasks", "h-my-cases"):
        part = section(html, heading)
        assert part.count("<tr") == 21, heading  # the header row and twenty
        assert 'href="/taken/"' in part
