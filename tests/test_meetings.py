"""The care meeting: the agenda built from requests, overdue steps, early warnings and
trends; pseudonymisation (property-based: names put anywhere in free text never come out);
naming only with consent; minutes whose actions become tasks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world import World, make_user
from vangnet.cases.models import CaseTask
from vangnet.core.audit import Actor
from vangnet.core.roles import Role
from vangnet.demo.names import FIRST_NAMES, LAST_NAMES
from vangnet.meetings import actions, agenda
from vangnet.meetings.actions import ActionInput, MemberInput
from vangnet.meetings.models import AgendaItem, CareMeeting
from vangnet.organisations.models import Guardian, GuardianLink, RoleAssignment
from vangnet.organisations.models import Pupil as PupilModel

pytestmark = pytest.mark.django_db


def series_for(world: World, *, outsider: bool) -> CareMeeting:
    care = Actor(user=world["care_a"])
    members = [MemberInput("Intern begeleider", user=world["care_a"])]
    if outsider:
        members.append(MemberInput("Jeugdarts GGD", name="dr. K. Jansen", own_team=False))
    series = actions.do_create_series(
        world.school_a,
        title="Zorgoverleg",
        recurrence="fortnightly",
        first_on=timezone.localdate(),
        starts_at=dt.time(14, 0),
        place="Teamkamer",
        members=members,
        actor=care,
    )
    return actions.do_plan_meeting(series, timezone.localdate(), actor=care)


def test_agenda_holds_requests_overdue_steps_and_trends(world: World) -> None:
    care = Actor(user=world["care_a"])
    meeting = series_for(world, outsider=False)
    actions.do_request_meeting(
        world.case, reason="Graag meedenken over de volgende stap.", actor=care
    )
    # a second request for the same case is the same request
    actions.do_request_meeting(world.case, reason="Nog een keer gevraagd, per ongeluk.", actor=care)
    added = actions.do_build_agenda(meeting, actor=care)
    kinds = [item.kind for item in added]
    assert kinds.count(AgendaItem.Kind.CASE) == 1
    assert AgendaItem.Kind.TRENDS in kinds
    # building again adds nothing new
    assert actions.do_build_agenda(meeting, actor=care) == []
    trends = meeting.items.get(kind=AgendaItem.Kind.TRENDS)
    assert set(trends.detail) >= {"incidents", "cases_opened", "cases_closed", "by_category"}


def test_overdue_step_goes_on_the_agenda(world: World) -> None:
    care = Actor(user=world["care_a"])
    meeting = series_for(world, outsider=False)
    CaseTask.objects.create(
        case=world.case,
        kind=CaseTask.Kind.TERM,
        title="Signalen vastleggen",
        step="signals",
        due_on=timezone.localdate() - dt.timedelta(days=3),
        created_by=world["care_a"],
    )
    added = actions.do_build_agenda(meeting, actor=care)
    assert [(i.kind, i.case_id) for i in added if i.case_id] == [
        (AgendaItem.Kind.OVERDUE, world.case.pk)
    ]


def test_an_outsider_makes_the_agenda_pseudonymised_and_naming_needs_consent(
    world: World,
) -> None:
    care = Actor(user=world["care_a"])
    meeting = series_for(world, outsider=True)
    actions.do_request_meeting(
        world.case, reason="Anna Visser vertelde dat haar moeder Ellen Visser ziek is.", actor=care
    )
    actions.do_build_agenda(meeting, actor=care)
    pseudonymised, items = agenda.view(meeting)
    assert pseudonymised
    case_item = next(i for i in items if i.item.case_id)
    assert "Anna" not in case_item.reason and "Ellen" not in case_item.reason
    assert case_item.who == world.case.reference
    with pytest.raises(ValidationError) as exc:
        actions.do_set_named(case_item.item, named=True, actor=care)
    assert "alleen met naam besproken als er toestemming is" in str(exc.value)
    guardian = Guardian.objects.get(name="Ellen Visser")
    actions.do_record_naming_consent(
        world.pupil_a5,
        given_by="guardian",
        guardian=guardian,
        given_on=timezone.localdate(),
        actor=care,
    )
    actions.do_set_named(case_item.item, named=True, actor=care)
    # named only where the organiser asks for names: the default stays pseudonymised
    assert agenda.view(meeting)[1][0].who != world.pupil_a5.full_name
    named = next(i for i in agenda.view(meeting, pseudonymised=False)[1] if i.item.case_id)
    assert named.who == "Anna Visser"


def test_the_pupil_decides_from_sixteen(world: World) -> None:
    care = Actor(user=world["care_a"])
    world.pupil_a5.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 17)
    world.pupil_a5.save()
    guardian = Guardian.objects.get(name="Ellen Visser")
    with pytest.raises(ValidationError) as exc:
        actions.do_record_naming_consent(
            world.pupil_a5,
            given_by="guardian",
            guardian=guardian,
            given_on=timezone.localdate(),
            actor=care,
        )
    assert "Vanaf 16 jaar geeft de leerling" in str(exc.value)
    actions.do_record_naming_consent(
        world.pupil_a5, given_by="pupil", guardian=None, given_on=timezone.localdate(), actor=care
    )
    assert agenda.naming_allowed(world.pupil_a5, timezone.localdate())


def test_minutes_actions_become_tasks_for_their_owner(world: World) -> None:
    care = Actor(user=world["care_a"])
    meeting = series_for(world, outsider=False)
    actions.do_request_meeting(world.case, reason="Bespreken of er meer hulp nodig is.", actor=care)
    actions.do_build_agenda(meeting, actor=care)
    item = meeting.items.get(kind=AgendaItem.Kind.CASE)
    due = timezone.localdate() + dt.timedelta(days=14)
    actions.do_save_minutes(
        item,
        analysis="De zorgen nemen toe.",
        risk="Matig.",
        decision="Gesprek met ouders plannen.",
        actions=[ActionInput("Ouders uitnodigen", world["teacher_a"], due)],
        actor=care,
    )
    task = CaseTask.objects.get(key=f"meeting:{meeting.pk}:{item.pk}")
    assert (task.assignee, task.due_on, task.case) == (world["teacher_a"], due, world.case)
    with pytest.raises(ValidationError):  # owner must be a colleague at the school
        actions.do_save_minutes(
            item,
            analysis="",
            risk="",
            decision="x",
            actions=[ActionInput("Iets", world["teacher_b"], due)],
            actor=care,
        )
    with pytest.raises(ValidationError):  # every item needs a decision before closing
        actions.do_close_minutes(meeting, actor=care)


def test_only_organisers_change_a_meeting(world: World) -> None:
    meeting = series_for(world, outsider=False)
    for persona in ("teacher_a", "board", "teacher_b"):
        with pytest.raises(PermissionDenied):
            actions.do_build_agenda(meeting, actor=Actor(user=world[persona]))


# --- pseudonymisation, property-based -----------------------------------------------------

NAMES = st.tuples(st.sampled_from(FIRST_NAMES), st.sampled_from(LAST_NAMES))
WORDS = st.lists(
    st.sampled_from(
        ["de", "leerling", "was", "vandaag", "boos", "op", "school", "en", "zei", "dat", "thuis"]
    ),
    min_size=3,
    max_size=12,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(NAMES, min_size=1, max_size=4, unique=True),
    words=WORDS,
    where=st.lists(st.integers(0, 20), min_size=1, max_size=4),
    style=st.sampled_from(["full", "first", "last", "upper", "lower"]),
)
def test_pseudonymised_agenda_never_shows_a_known_name(
    world: World,
    people: list[tuple[str, tuple[str, str]]],
    words: list[str],
    where: list[int],
    style: str,
) -> None:
    """Pupils, guardians and staff of the school with random names; their names put
    anywhere in the request, the minutes and an action: none comes out."""
    care = Actor(user=world["care_a"])
    with transaction.atomic():
        sid = transaction.savepoint()
        known: list[tuple[str, str, str]] = []
        for i, (first, (prefix, last)) in enumerate(people):
            full = " ".join(p for p in (first, prefix, last) if p)
            kind = i % 3
            if kind == 0:
                PupilModel.objects.create(
                    school=world.school_a,
                    student_number=f"P{i}{first}",
                    first_name=first,
                    last_name=last,
                    date_of_birth=dt.date(2015, 1, 1),
                )
            elif kind == 1:
                g = Guardian.objects.create(board=world.board, name=full)
                GuardianLink.objects.create(pupil=world.pupil_a6, guardian=g, relation="father")
            else:
                u = make_user(f"staff{i}@test.invalid", full)
                RoleAssignment.objects.create(
                    user=u, role=Role.TEACHER, board=world.board, school=world.school_a
                )
            known.append((first, prefix, last))

        def form(name: tuple[str, str, str]) -> str:
            first, prefix, last = name
            full = " ".join(p for p in name if p)
            return {
                "full": full,
                "first": first,
                "last": f"{prefix.capitalize()} {last}".strip() if prefix else last,
                "upper": full.upper(),
                "lower": full.lower(),
            }[style]

        text = list(words)
        for n, pos in enumerate(where):
            text.insert(min(pos, len(text)), form(known[n % len(known)]))
        free = " ".join(text) + "."
        meeting = series_for(world, outsider=True)
        actions.do_request_meeting(world.case, reason=free, actor=care)
        actions.do_build_agenda(meeting, actor=care)
        item = meeting.items.get(kind=AgendaItem.Kind.CASE)
        actions.do_save_minutes(
            item,
            analysis=free,
            risk=free,
            decision=free,
            actions=[ActionInput(free[:300], world["teacher_a"], timezone.localdate())],
            actor=care,
        )
        _, items = agenda.view(meeting, pseudonymised=True)
        out = " ".join(
            " ".join(
                [
                    i.title,
                    i.who,
                    i.reason,
                    i.analysis,
                    i.risk,
                    i.decision,
                    *i.recent,
                    *(f"{w} {o}" for w, o, _d in i.actions),
                ]
            )
            for i in items
        )
        names = agenda.people_of(world.school_a)
        assert names.find(out) == [], out
        for name in ("Anna", "Visser", "Teacher A"):
            assert name not in out
        transaction.savepoint_rollback(sid)


def test_a_naming_consent_can_be_withdrawn(world: World, client_for: object) -> None:
    care = Actor(user=world["care_a"])
    guardian = Guardian.objects.get(name="Ellen Visser")
    consent = actions.do_record_naming_consent(
        world.pupil_a5,
        given_by="guardian",
        guardian=guardian,
        given_on=timezone.localdate(),
        actor=care,
    )
    assert agenda.naming_allowed(world.pupil_a5, timezone.localdate())
    url = f"/leerlingen/{world.pupil_a5.pk}/toestemming-naam/"
    response = client_for("care_a").post(url, {"withdraw": str(consent.pk)})  # type: ignore[operator]
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    assert not agenda.naming_allowed(world.pupil_a5, timezone.localdate())
    # a teacher may not; a consent of another pupil is not found here
    teacher = client_for("teacher_a")  # type: ignore[operator]
    assert teacher.post(url, {"withdraw": str(consent.pk)}).status_code == 403
    other = f"/leerlingen/{world.pupil_a6.pk}/toestemming-naam/"
    assert client_for("care_a").post(other, {"withdraw": str(consent.pk)}).status_code == 404  # type: ignore[operator]


def test_actions_outside_a_case_are_reminded_on_their_due_date(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    from vangnet.core.models import Notification
    from vangnet.meetings.reminders import meeting_action_reminders

    care = Actor(user=world["care_a"])
    meeting = series_for(world, outsider=False)
    actions.do_build_agenda(meeting, actor=care)
    trends = meeting.items.get(kind=AgendaItem.Kind.TRENDS)
    due = timezone.localdate() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        actions.do_save_minutes(
            trends,
            analysis="",
            risk="",
            decision="Extra toezicht in de pauzes.",
            actions=[ActionInput("Pauzerooster aanpassen", world["teacher_a"], due)],
            actor=care,
        )
    # told at once that there is an action for them (no pupil's name)
    asked = Notification.objects.get(user=world["teacher_a"], key__endswith=":asked")
    assert "uiterlijk" in asked.title
    assert (
        meeting_action_reminders(today=due - dt.timedelta(days=1)) == "0 meeting actions reminded"
    )
    assert meeting_action_reminders(today=due) == "1 meeting actions reminded"
    assert meeting_action_reminders(today=due) == "0 meeting actions reminded"  # once
    assert Notification.objects.filter(user=world["teacher_a"], key__endswith=":due").count() == 1
