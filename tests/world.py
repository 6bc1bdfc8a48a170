"""A small, fully known world for tests: the role personas of the architecture doc.

Board "Noord" (PO) with school A and school B; board "Zuid" (another board) with school C.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.cases.models import Case, CaseMember, CaseTask
from vangnet.concerns.models import Concern
from vangnet.core.roles import Role
from vangnet.lib.dates import school_year_of
from vangnet.organisations.models import (
    Board,
    Group,
    Guardian,
    GuardianLink,
    Partner,
    Pupil,
    RoleAssignment,
    School,
    Sector,
)

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass
class World:
    board: Board
    other_board: Board
    school_a: School
    school_b: School
    school_c: School
    group_a5: Group
    group_a6: Group
    group_b3: Group
    pupil_a5: Pupil  # in the teacher's group
    pupil_a6: Pupil  # same school, another group
    pupil_b3: Pupil  # school B
    pupil_c: Pupil  # another board
    partner: Partner
    other_partner: Partner
    users: dict[str, User] = field(default_factory=dict)
    assignment: RoleAssignment | None = None  # teacher_b's role at school B
    concern: Concern | None = None  # an entry about pupil_a5 written by teacher_a
    case: Case | None = None  # a Meldcode case about pupil_a5 owned by care_a
    task: CaseTask | None = None  # in that case: what teacher_a is asked to do

    def __getitem__(self, persona: str) -> User:
        return self.users[persona]


PERSONAS = [
    "teacher_a",
    "care_a",
    "director_a",
    "adviser_a",
    "teacher_b",
    "board",
    "privacy",
    "admin",
    "other_board",
    "no_role",
]


def make_user(email: str, name: str, *, mfa: bool = True) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=name)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


def pupil(
    school: School,
    group: Group | None,
    first: str,
    last: str,
    number: str,
    born: dt.date = dt.date(2016, 5, 1),
) -> Pupil:
    return Pupil.objects.create(
        school=school,
        group=group,
        student_number=number,
        first_name=first,
        last_name=last,
        date_of_birth=born,
    )


def build_world() -> World:
    year = school_year_of(timezone.localdate())
    board = Board.objects.create(name="Stichting Noord", sector=Sector.PO)
    other = Board.objects.create(name="Stichting Zuid", sector=Sector.PO)
    a = School.objects.create(board=board, name="School A", code="11AA00", sector=Sector.PO)
    b = School.objects.create(board=board, name="School B", code="11BB00", sector=Sector.PO)
    c = School.objects.create(board=other, name="School C", code="22CC00", sector=Sector.PO)
    a5 = Group.objects.create(school=a, name="Groep 5", school_year=year)
    a6 = Group.objects.create(school=a, name="Groep 6", school_year=year)
    b3 = Group.objects.create(school=b, name="Groep 3", school_year=year)
    c1 = Group.objects.create(school=c, name="Groep 1", school_year=year)
    w = World(
        board=board,
        other_board=other,
        school_a=a,
        school_b=b,
        school_c=c,
        group_a5=a5,
        group_a6=a6,
        group_b3=b3,
        pupil_a5=pupil(a, a5, "Anna", "Visser", "A501"),
        pupil_a6=pupil(a, a6, "Bram", "Bakker", "A601"),
        pupil_b3=pupil(b, b3, "Cas", "Mulder", "B301"),
        pupil_c=pupil(c, c1, "Dewi", "Smit", "C101"),
        partner=Partner.objects.create(
            board=board,
            kind=Partner.Kind.VEILIG_THUIS,
            organisation="Veilig Thuis Noord",
            phone="0800-2000",
        ),
        other_partner=Partner.objects.create(
            board=other, kind=Partner.Kind.GGD, organisation="GGD Zuid", phone="010-1234567"
        ),
    )
    guardian = Guardian.objects.create(
        board=board, name="Ellen Visser", email="ellen@ouders.invalid"
    )
    GuardianLink.objects.create(pupil=w.pupil_a5, guardian=guardian, relation="mother")
    spec = {
        "teacher_a": [(Role.TEACHER, board, a)],
        "care_a": [(Role.CARE_COORDINATOR, board, a)],
        "director_a": [(Role.SAFETY_OFFICER, board, a)],
        "adviser_a": [(Role.CONFIDENTIAL_ADVISER, board, a)],
        "teacher_b": [(Role.TEACHER, board, b)],
        "board": [(Role.BOARD, board, None)],
        "privacy": [(Role.PRIVACY_OFFICER, board, None)],
        "admin": [(Role.ADMINISTRATOR, board, None)],
        "other_board": [
            (Role.CARE_COORDINATOR, other, c),
            (Role.ADMINISTRATOR, other, None),
            (Role.PRIVACY_OFFICER, other, None),
        ],
        "no_role": [],
    }
    for persona, roles in spec.items():
        user = make_user(
            f"{persona.replace('_', '.')}@test.invalid", persona.replace("_", " ").title()
        )
        for role, rb, school in roles:
            RoleAssignment.objects.create(user=user, role=role, board=rb, school=school)
        w.users[persona] = user
    a5.teachers.add(w.users["teacher_a"])
    w.assignment = RoleAssignment.objects.get(user=w.users["teacher_b"])
    w.concern = Concern.objects.create(
        pupil=w.pupil_a5,
        school=a,
        author=w.users["teacher_a"],
        noticed_by="Teacher A",
        occurred_at=timezone.now(),
    )
    b3.teachers.add(w.users["teacher_b"])
    w.case = Case.objects.create(
        pupil=w.pupil_a5,
        school=a,
        protocol="meldcode",
        protocol_version=1,
        current_step="signals",
        opened_by=w.users["care_a"],
    )
    CaseMember.objects.create(
        case=w.case, user=w.users["care_a"], kind=CaseMember.Kind.OWNER, added_by=w.users["care_a"]
    )
    w.task = CaseTask.objects.create(
        case=w.case,
        kind=CaseTask.Kind.REQUEST,
        title="Let op hoe Anna 's ochtends binnenkomt",
        step="signals",
        due_on=timezone.localdate() + dt.timedelta(days=7),
        assignee=w.users["teacher_a"],
        created_by=w.users["care_a"],
    )
    return w


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
