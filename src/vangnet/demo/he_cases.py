"""Demo: concerning behaviour at the university of applied sciences, and a care meeting at
De Regenboog (issue 7).

At Hogeschool Vanwege: a student's case escalated to the multidisciplinary meeting, one
case whose information went to the student psychologists after the Executive Board
approved, and one acute case shared at once with the Board's consent by phone (its written
confirmation still to come). At De Regenboog (school A): the fortnightly care meeting with
its own care team and the GGD's youth nurse, last time's meeting with agenda and minutes,
and the next one planned with its agenda built.

Everything goes through the actions, as the other demo modules do; :class:`Clock` moves
the timestamps the actions wrote to the demo's moments. All texts are invented.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.cases import actions as case_actions
from vangnet.cases.models import Case, CaseMember
from vangnet.core.audit import Actor
from vangnet.core.roles import Role
from vangnet.demo.cases import Clock, day
from vangnet.demo.concerns import _staff
from vangnet.meetings import actions as meeting_actions
from vangnet.meetings.actions import ActionInput, MemberInput
from vangnet.meetings.models import AgendaItem, CareMeeting, MeetingRequest
from vangnet.organisations.models import Partner, Pupil, RoleAssignment, School
from vangnet.sharing import actions as sharing_actions
from vangnet.sharing.actions import SharingInput
from vangnet.sharing.models import SharingRequest

YES = "yes"


class HeClock(Clock):
    """The cases' clock, and the sharing requests' and meeting items' moments too."""

    FIELDS = (
        *Clock.FIELDS,
        (SharingRequest, ("requested_at", "decided_at", "shared_at")),
        (MeetingRequest, ("requested_at",)),
        (AgendaItem, ("minuted_at",)),
        (CareMeeting, ("agenda_built_at", "closed_at")),
    )


class Student:
    """One student's case, told through the actions."""

    def __init__(self, clock: HeClock, pupil: Pupil, coach: User, dean: User) -> None:
        self.clock = clock
        self.pupil = pupil
        self.coach = Actor(user=coach, role=Role.TEACHER, channel="system")
        self.dean = Actor(user=dean, role=Role.CARE_COORDINATOR, channel="system")
        self.case: Case | None = None
        self._tick = 0

    def _at(self, days_ago: int) -> dt.datetime:
        self._tick += 1
        start = dt.datetime.combine(day(days_ago), dt.time(9, 0))
        return timezone.make_aware(start + dt.timedelta(minutes=11 * self._tick))

    def on(self, days_ago: int) -> None:
        self.clock.mark(timezone.now(), self._at(days_ago))

    def open(self, days_ago: int) -> Student:
        self.on(days_ago)
        self.case = case_actions.do_open_case(self.pupil, "he_concern", actor=self.coach)
        self.on(days_ago)
        assert self.dean.user is not None
        case_actions.do_add_member(
            self.case, self.dean.user, kind=CaseMember.Kind.OWNER, actor=self.coach
        )
        return self

    def add(self, days_ago: int, kind: str, actor: Actor, **data: Any) -> None:
        assert self.case is not None
        self.on(days_ago)
        case_actions.do_add_record(self.case, kind, data, actor=actor)

    def next(self, days_ago: int, actor: Actor) -> None:
        assert self.case is not None
        self.on(days_ago)
        case_actions.do_complete_step(self.case, actor=actor)
        self.case.refresh_from_db()

    def weigh(self, days_ago: int, actor: Actor, student: str, others: str, society: str) -> None:
        self.add(
            days_ago,
            "safety_weighing",
            actor,
            student_level="serious" if "ernstig" in student else "some",
            student_why=student,
            others_level="some" if others else "none",
            others_why=others or "Geen aanwijzingen voor gevaar voor anderen.",
            society_level="none",
            society_why=society,
        )

    def scale_up(self, days_ago: int, actor: Actor, why: str) -> None:
        assert self.case is not None
        self.on(days_ago)
        case_actions.do_record_decision(
            self.case, {"removed": False}, {"removed": why}, actor=actor
        )
        self.case.refresh_from_db()

    def conversation(self, days_ago: int, concern: str, view: str, agreements: str) -> None:
        self.add(
            days_ago,
            "student_conversation",
            self.coach,
            held_on=day(days_ago),
            by=self.coach.user.full_name if self.coach.user else "",
            concern=concern,
            student_view=view,
            agreements=agreements,
        )

    def consultation(self, days_ago: int, with_whom: str, advice: str) -> None:
        self.add(
            days_ago,
            "collegial_consultation",
            self.coach,
            held_on=day(days_ago),
            with_whom=with_whom,
            advice=advice,
        )


def build() -> None:
    """The issue-7 demo: three students at the university, a care meeting at school A."""
    clock = HeClock()
    he_school = School.objects.filter(board__sector="HBO").order_by("pk").first()
    if he_school is not None:
        _students(clock, he_school)
    school_a = School.objects.filter(code="91AA00").first()
    if school_a is not None:
        _care_meeting(clock, school_a)
    clock.apply()


def _coach_of(pupil: Pupil) -> User:
    group = pupil.group
    teacher = group.teachers.order_by("pk").first() if group else None
    assert teacher is not None, "every demo group has a study coach"
    return teacher


def _students(clock: HeClock, school: School) -> None:
    dean = _staff(school, Role.CARE_COORDINATOR)
    board_member = (
        RoleAssignment.objects.filter(board_id=school.board_id, role=Role.BOARD)
        .select_related("user")
        .first()
    )
    if dean is None or board_member is None:
        return
    cvb = Actor(user=board_member.user, role=Role.BOARD, channel="system")
    students = list(
        Pupil.objects.filter(school=school).select_related("group", "school").order_by("pk")[:3]
    )
    if len(students) < 3:
        return
    care = Partner.objects.filter(board_id=school.board_id, kind=Partner.Kind.YOUTH_CARE).first()
    police = Partner.objects.filter(board_id=school.board_id, kind=Partner.Kind.POLICE).first()
    assert care is not None and police is not None, "the demo social map has both"

    # 1. escalated to the multidisciplinary meeting
    one = Student(clock, students[0], _coach_of(students[0]), dean).open(40)
    one.conversation(
        40,
        "Mist sinds vijf weken de meeste lessen en reageert niet op berichten; in de laatste "
        "projectgroep was de student erg somber.",
        "Zegt slecht te slapen en geen zin meer te hebben in de studie.",
        "Binnen twee weken een afspraak bij de studentendecaan.",
    )
    one.next(39, one.coach)
    one.consultation(36, "Studentendecaan", "Zorg serieus nemen; de decaan neemt contact op.")
    one.weigh(
        36,
        one.coach,
        "Enige zorg: somberheid en terugtrekken, geen uitspraken over zichzelf iets aandoen.",
        "",
        "Geen aanwijzingen.",
    )
    one.scale_up(35, one.coach, "De student blijft weg en de somberheid neemt toe.")
    one.add(
        30,
        "support_action",
        one.dean,
        taken_on=day(30),
        by="Studentendecaan",
        what="Gesprek gevoerd; verwezen naar de studentenpsychologen; studieplan aangepast.",
        review_on=None,
    )
    one.weigh(
        16,
        one.dean,
        "Ernstige zorg: de student zegt dat het geen zin meer heeft.",
        "",
        "Geen aanwijzingen.",
    )
    one.scale_up(15, one.dean, "De zorg is niet weggenomen; er is meer nodig dan de decaan.")

    # 2. shared with care after the Executive Board's approval
    two = Student(clock, students[1], _coach_of(students[1]), dean).open(60)
    two.conversation(
        60,
        "Dreigende berichten in de groepsapp van de opleiding.",
        "Noemt het een grap die uit de hand liep.",
        "Geen berichten meer in de groepsapp; gesprek met de decaan.",
    )
    two.next(59, two.coach)
    two.consultation(57, "Opleidingsmanager", "Opschalen naar de decaan.")
    two.weigh(57, two.coach, "Enige zorg.", "Enige zorg: medestudenten voelen zich onveilig.", "-")
    two.scale_up(56, two.coach, "De berichten gaan door.")
    two.weigh(50, two.dean, "Enige zorg.", "Enige zorg: twee medestudenten meldden zich.", "-")
    two.scale_up(49, two.dean, "Het multidisciplinair overleg moet meekijken.")
    assert two.case is not None
    two.on(45)
    request = sharing_actions.do_request(
        two.case,
        SharingInput(
            route="weighed",
            recipient=care,
            what="De aanleiding, de gesprekken met de decaan en het advies van het overleg.",
            purpose="Passende hulp van de studentenpsychologen.",
            answers={"all_options_used": YES, "consent_sought": YES, "necessary": YES},
            rationales={
                "all_options_used": "Decaan en studieloopbaancoach hebben alles geprobeerd.",
                "consent_sought": "Twee keer gevraagd; de student wil zelf niet bellen maar "
                "vindt het goed dat de decaan het regelt.",
                "necessary": "Zonder behandeling blijft het risico voor medestudenten.",
            },
        ),
        actor=two.dean,
    )
    two.on(44)
    sharing_actions.do_decide(request, approve=True, note="Akkoord.", actor=cvb)
    two.on(43)
    sharing_actions.do_share(request, shared_on=day(43), actor=two.dean)

    # 3. the acute route
    three = Student(clock, students[2], _coach_of(students[2]), dean).open(3)
    three.conversation(
        3,
        "Kondigde in de les aan een docent iets aan te doen.",
        "Wilde niet praten en verliet het lokaal.",
        "Geen: de decaan is direct ingeschakeld.",
    )
    assert three.case is not None
    three.on(3)
    sharing_actions.do_request(
        three.case,
        SharingInput(
            route="acute",
            recipient=police,
            what="De uitspraak in de les en wat de docent zag.",
            purpose="Direct gevaar voor een docent afwenden.",
            acute_grounds=["others"],
            acute_explanation="Concrete aankondiging gericht op een docent, dezelfde dag.",
            consent_by=board_member.user,
            consent_channel=SharingRequest.Channel.PHONE,
        ),
        actor=three.dean,
    )
    acute = SharingRequest.objects.filter(case=three.case).get()
    three.on(3)
    sharing_actions.do_share(acute, shared_on=day(3), actor=three.dean)


def _care_meeting(clock: HeClock, school: School) -> None:
    care = _staff(school, Role.CARE_COORDINATOR)
    director = _staff(school, Role.SAFETY_OFFICER)
    if care is None or director is None:
        return
    actor = Actor(user=care, role=Role.CARE_COORDINATOR, channel="system")
    today = timezone.localdate()
    first = today - dt.timedelta(days=14 + today.weekday())  # a Monday two weeks back
    clock.mark(timezone.now(), timezone.make_aware(dt.datetime.combine(first, dt.time(9))))
    series = meeting_actions.do_create_series(
        school,
        title="Zorgoverleg De Regenboog",
        recurrence="fortnightly",
        first_on=first,
        starts_at=dt.time(14, 30),
        place="Kamer van de intern begeleider",
        members=[
            MemberInput("Intern begeleider", user=care),
            MemberInput("Directeur", user=director),
            MemberInput(
                "Jeugdverpleegkundige GGD", name="GGD-jeugdverpleegkundige", own_team=False
            ),
        ],
        actor=actor,
    )
    cases = list(
        Case.objects.filter(school=school, protocol="meldcode")
        .exclude(state=Case.State.CLOSED)
        .select_related("pupil")
        .order_by("pk")[:2]
    )
    for case in cases:
        clock.mark(timezone.now(), timezone.make_aware(dt.datetime.combine(first, dt.time(8))))
        meeting_actions.do_request_meeting(
            case,
            reason="Graag meedenken: de signalen nemen toe en de ouders zijn moeilijk bereikbaar.",
            actor=actor,
        )
    held: CareMeeting = meeting_actions.do_plan_meeting(series, first, actor=actor)
    meeting_actions.do_build_agenda(held, actor=actor)
    teacher = (
        RoleAssignment.objects.filter(school=school, role=Role.TEACHER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    owner = teacher.user if teacher else care
    for item in held.items.all():
        clock.mark(timezone.now(), timezone.make_aware(dt.datetime.combine(first, dt.time(15))))
        if item.case_id:
            meeting_actions.do_save_minutes(
                item,
                analysis="De zorgen zijn in twee weken toegenomen; thuis is weinig steun.",
                risk="Matig: geen direct gevaar, wel een patroon.",
                decision="Gesprek met de ouders plannen en het jeugd- en gezinsteam consulteren.",
                actions=[
                    ActionInput(
                        "Ouders uitnodigen voor een gesprek", owner, today + dt.timedelta(days=7)
                    )
                ],
                actor=actor,
            )
        else:
            meeting_actions.do_save_minutes(
                item,
                analysis="Besproken.",
                risk="",
                decision="Het team let de komende weken extra op de pauzes.",
                actions=[],
                actor=actor,
            )
    meeting_actions.do_close_minutes(held, actor=actor)
    upcoming = meeting_actions.next_dates(series, today, 1)[0]
    planned = meeting_actions.do_plan_meeting(series, upcoming, actor=actor)
    meeting_actions.do_build_agenda(planned, actor=actor)
