"""The demo data set: a board of six primary schools and a university of applied sciences.

Deterministic (a fixed random seed), idempotent (a second run changes nothing) and
documented in the README. Every demo account has the password ``vangnet-demo`` and a
pre-enrolled TOTP secret derived from its e-mail address (see :func:`totp_secret`).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import random
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from vangnet.accounts.models import User
from vangnet.core.audit import Actor, record
from vangnet.core.models import EventType
from vangnet.core.roles import Role
from vangnet.demo.holidays import add_holidays
from vangnet.demo.names import ADULT_FIRST_NAMES, FIRST_NAMES, LAST_NAMES
from vangnet.lib.dates import school_year_of
from vangnet.organisations.models import (
    Board,
    Group,
    Guardian,
    GuardianLink,
    Partner,
    Pupil,
    RoleAssignment,
    RoleTitle,
    School,
    Sector,
)

PASSWORD = "vangnet-demo"  # noqa: S105 - the documented demo password
PO_BOARD = "Stichting Primair Onderwijs De Lindenhof (demo)"
HE_BOARD = "Hogeschool Vanwege (demo)"
PUPILS_PER_GROUP = 25

PO_SCHOOLS = [
    ("De Regenboog", "91AA00", "Lindenhout"),  # school A
    ("De Wilgenhoek", "91AB00", "Lindenhout"),  # school B
    ("Het Kompas", "91AC00", "Beekveld"),
    ("De Sterrenwacht", "91AD00", "Beekveld"),
    ("Klavertje Vier", "91AE00", "Oosterzand"),
    ("De Boomgaard", "91AF00", "Oosterzand"),
]
HE_PROGRAMMES = [
    ("Opleiding Social Work", "HVW-SW", ["SW1A", "SW1B", "SW2A"]),
    ("Opleiding Pedagogiek", "HVW-PED", ["PED1A", "PED2A"]),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    description: str


ACCOUNTS = [
    DemoAccount(
        "leerkracht.a@vangnet.test", "Sanne de Wit", "leerkracht groep 5, De Regenboog (school A)"
    ),
    DemoAccount(
        "ib.a@vangnet.test",
        "Marieke Hoekstra",
        "intern begeleider en aandachtsfunctionaris, school A",
    ),
    DemoAccount(
        "directeur.a@vangnet.test",
        "Erik Brouwer",
        "directeur en coördinator sociale veiligheid, school A",
    ),
    DemoAccount(
        "vertrouwenspersoon.a@vangnet.test", "Naima Bouzid", "interne vertrouwenspersoon, school A"
    ),
    DemoAccount(
        "leerkracht.b@vangnet.test", "Dennis Kok", "leerkracht groep 3, De Wilgenhoek (school B)"
    ),
    DemoAccount("bestuur@vangnet.test", "Ingrid van Leeuwen", "bestuurder van de stichting"),
    DemoAccount("privacy@vangnet.test", "Paul Verhoeven", "functionaris gegevensbescherming"),
    DemoAccount("admin@vangnet.test", "Karin Smits", "beheerder van de stichting"),
    DemoAccount("decaan.hs@vangnet.test", "Wouter Postma", "studentendecaan, Hogeschool Vanwege"),
    DemoAccount("cvb.hs@vangnet.test", "Esther Maas", "College van Bestuur, Hogeschool Vanwege"),
]


def totp_secret(email: str) -> str:
    """A fixed base32 TOTP secret per demo account (demo only, printed and documented)."""
    digest = hashlib.sha256(f"vangnet-demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode("ascii")


@functools.cache
def _password_hash() -> str:
    return make_password(PASSWORD)  # hashed once: Argon2 is slow on purpose


def _user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, full_name=name, password=_password_hash())
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, totp_secret(email))
        RecoveryCodes.activate(user)
    return user


def _assign(user: User, role: Role, board: Board, school: School | None = None) -> None:
    RoleAssignment.objects.get_or_create(user=user, role=role, board=board, school=school)


def _partners(board: Board, higher_ed: bool) -> None:
    rows = [
        (
            Partner.Kind.VEILIG_THUIS,
            "Veilig Thuis",
            "",
            "0800-2000",
            "",
            "24 uur per dag, 7 dagen per week; gratis",
            "Advies mag anoniem. Melden zonder toestemming van ouders is toegestaan.",
        ),
        (
            Partner.Kind.CONFIDENTIAL_INSPECTOR,
            "Vertrouwensinspecteurs Inspectie van het Onderwijs",
            "",
            "0900-111 3 111",
            "",
            "werkdagen 8:00–17:00",
            "Bij (vermoedens van) seksueel misbruik, intimidatie, discriminatie, "
            "radicalisering of geweld.",
        ),
        (
            Partner.Kind.GGD,
            "GGD regio Lindenhout",
            "Jeugdarts L. Vos",
            "010-555 0101",
            "jgz@ggd-demo.invalid",
            "werkdagen 8:30–17:00",
            "",
        ),
        (
            Partner.Kind.POLICE,
            "Politie, wijkagent Lindenhout",
            "R. Dekker",
            "0900-8844",
            "",
            "altijd; bij spoed 112",
            "",
        ),
        (
            Partner.Kind.EXTERNAL_CONFIDENTIAL_ADVISER,
            "Externe vertrouwenspersoon (GGD)",
            "M. Koster",
            "010-555 0199",
            "vertrouwenspersoon@ggd-demo.invalid",
            "werkdagen 9:00–17:00",
            "",
        ),
    ]
    if higher_ed:
        rows.append(
            (
                Partner.Kind.YOUTH_CARE,
                "Studentenpsychologen (GGZ-partner)",
                "",
                "010-555 0303",
                "studentenzorg@demo.invalid",
                "werkdagen 9:00–17:00",
                "",
            )
        )
    else:
        rows += [
            (
                Partner.Kind.YOUTH_FAMILY,
                "Jeugd- en gezinsteam Lindenhout",
                "J. Bos",
                "010-555 0202",
                "jgt@demo.invalid",
                "werkdagen 9:00–17:00",
                "",
            ),
            (
                Partner.Kind.NEIGHBOURHOOD,
                "Wijkteam Beekveld",
                "",
                "010-555 0404",
                "wijkteam@demo.invalid",
                "ma–vr 9:00–12:30",
                "",
            ),
            (
                Partner.Kind.COMPULSORY_EDUCATION,
                "Leerplicht gemeente Lindenhout",
                "A. Peters",
                "010-555 0505",
                "leerplicht@demo.invalid",
                "werkdagen 9:00–16:00",
                "",
            ),
        ]
    for kind, org, contact, phone, email, hours, notes in rows:
        Partner.objects.get_or_create(
            board=board,
            organisation=org,
            defaults={
                "kind": kind,
                "contact_name": contact,
                "phone": phone,
                "email": email,
                "opening_hours": hours,
                "notes": notes,
            },
        )


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def child(self) -> tuple[str, str, str]:
        prefix, last = self.rng.choice(LAST_NAMES)
        return self.rng.choice(FIRST_NAMES), prefix, last

    def adult(self, prefix: str = "", last: str = "") -> str:
        if not last:
            prefix, last = self.rng.choice(LAST_NAMES)
        return " ".join(p for p in (self.rng.choice(ADULT_FIRST_NAMES), prefix, last) if p)


def _pupils(
    school: School,
    groups: list[tuple[Group, int]],
    board: Board,
    names: _Names,
    rng: random.Random,
    per_group: int,
    *,
    with_guardians: bool = True,
) -> int:
    year_start = int(school_year_of(timezone.localdate())[:4])
    pupils: list[Pupil] = []
    number = 1000
    for group, age in groups:
        for _ in range(per_group):
            number += 1
            first, prefix, last = names.child()
            birth = dt.date(year_start - age, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
            pupils.append(
                Pupil(
                    school=school,
                    group=group,
                    student_number=f"{school.code[-4:]}{number}",
                    first_name=first,
                    name_prefix=prefix,
                    last_name=last,
                    date_of_birth=birth,
                    enrolled_on=dt.date(year_start - max(age - 4, 0), 8, 20),
                )
            )
    pupils = Pupil.objects.bulk_create(pupils)  # primary keys come back (SQLite 3.35+, PG)
    if not with_guardians:
        return len(pupils)
    guardians: list[Guardian] = []
    plan: list[tuple[int, str, bool]] = []
    for index, pupil in enumerate(pupils):
        count = 2 if rng.random() < 0.8 else 1
        for n in range(count):
            same_name = n == 0 or rng.random() < 0.5
            name = names.adult(pupil.name_prefix, pupil.last_name) if same_name else names.adult()
            slug = name.lower().replace(" ", ".")
            guardians.append(
                Guardian(
                    board=board,
                    name=name,
                    email=f"{slug}.{pupil.student_number}@ouders.invalid",
                    phone=f"06-{rng.randrange(10000000, 99999999)}",
                )
            )
            relation = rng.choice(
                [
                    GuardianLink.Relation.MOTHER,
                    GuardianLink.Relation.FATHER,
                    GuardianLink.Relation.PARENT,
                ]
            )
            authority = not (n == 1 and rng.random() < 0.1)
            plan.append((index, relation, authority))
    created = Guardian.objects.bulk_create(guardians)
    GuardianLink.objects.bulk_create(
        [
            GuardianLink(
                pupil=pupils[index],
                guardian=guardian,
                relation=relation,
                parental_authority=authority,
            )
            for (index, relation, authority), guardian in zip(plan, created, strict=True)
        ]
    )
    return len(pupils)


def build(per_group: int = PUPILS_PER_GROUP, stdout: object = None) -> bool:
    """Create the demo data unless it exists. Returns True when something was created."""
    if Board.objects.filter(name=PO_BOARD).exists():
        return False
    rng = random.Random(20261121)
    names = _Names(rng)
    year = school_year_of(timezone.localdate())
    accounts = {a.email: a for a in ACCOUNTS}

    def account(email: str) -> User:
        return _user(email, accounts[email].name)

    with transaction.atomic():
        # --- the primary-school board -------------------------------------------------------
        board = Board.objects.create(name=PO_BOARD, sector=Sector.PO)
        RoleTitle.objects.create(
            board=board,
            role=Role.CARE_COORDINATOR,
            title="Intern begeleider / aandachtsfunctionaris",
        )
        total = 0
        for index, (name, code, city) in enumerate(PO_SCHOOLS):
            school = School.objects.create(
                board=board, name=name, code=code, sector=Sector.PO, city=city
            )
            groups = []
            for g in range(1, 9):
                group = Group.objects.create(school=school, name=f"Groep {g}", school_year=year)
                groups.append((group, g + 3))
            total += _pupils(school, groups, board, names, rng, per_group)
            letter = "ab"[index] if index < 2 else None
            for g, (group, _age) in enumerate(groups, start=1):
                if letter == "a" and g == 5:
                    teacher = account("leerkracht.a@vangnet.test")
                elif letter == "b" and g == 3:
                    teacher = account("leerkracht.b@vangnet.test")
                else:
                    teacher = _user(
                        f"leerkracht.{code.lower()}.groep{g}@vangnet.test", names.adult()
                    )
                group.teachers.add(teacher)
                _assign(teacher, Role.TEACHER, board, school)
            if letter == "a":
                _assign(account("ib.a@vangnet.test"), Role.CARE_COORDINATOR, board, school)
                _assign(account("directeur.a@vangnet.test"), Role.SAFETY_OFFICER, board, school)
                _assign(
                    account("vertrouwenspersoon.a@vangnet.test"),
                    Role.CONFIDENTIAL_ADVISER,
                    board,
                    school,
                )
            else:
                _assign(
                    _user(f"ib.{code.lower()}@vangnet.test", names.adult()),
                    Role.CARE_COORDINATOR,
                    board,
                    school,
                )
                _assign(
                    _user(f"directeur.{code.lower()}@vangnet.test", names.adult()),
                    Role.SAFETY_OFFICER,
                    board,
                    school,
                )
                _assign(
                    _user(f"vp.{code.lower()}@vangnet.test", names.adult()),
                    Role.CONFIDENTIAL_ADVISER,
                    board,
                    school,
                )
        _assign(account("bestuur@vangnet.test"), Role.BOARD, board)
        _assign(account("privacy@vangnet.test"), Role.PRIVACY_OFFICER, board)
        _assign(account("admin@vangnet.test"), Role.ADMINISTRATOR, board)
        _partners(board, higher_ed=False)
        add_holidays(board)
        record(
            Actor.system("demo"),
            EventType.DEMO_LOADED,
            board_id=board.pk,
            object_type="board",
            object_id=str(board.pk),
            data={"schools": len(PO_SCHOOLS), "pupils": total},
        )

        # --- the university of applied sciences ----------------------------------------------
        he = Board.objects.create(name=HE_BOARD, sector=Sector.HBO)
        for role, title in [
            (Role.TEACHER, "Studieloopbaancoach"),
            (Role.CARE_COORDINATOR, "Studentendecaan"),
            (Role.SAFETY_OFFICER, "Opleidingsmanager"),
            (Role.BOARD, "College van Bestuur"),
        ]:
            RoleTitle.objects.create(board=he, role=role, title=title)
        students = 0
        for name, code, group_names in HE_PROGRAMMES:
            school = School.objects.create(
                board=he, name=name, code=code, sector=Sector.HBO, city="Lindenhout"
            )
            groups = [
                (Group.objects.create(school=school, name=g, school_year=year), 18 + int(g[-2]))
                for g in group_names
            ]
            students += _pupils(school, groups, he, names, rng, 20, with_guardians=False)
            for group, _age in groups:
                coach = _user(f"slc.{group.name.lower()}@vangnet.test", names.adult())
                group.teachers.add(coach)
                _assign(coach, Role.TEACHER, he, school)
            _assign(account("decaan.hs@vangnet.test"), Role.CARE_COORDINATOR, he, school)
            _assign(
                _user(f"manager.{code.lower()}@vangnet.test", names.adult()),
                Role.SAFETY_OFFICER,
                he,
                school,
            )
        _assign(account("cvb.hs@vangnet.test"), Role.BOARD, he)
        _assign(account("privacy@vangnet.test"), Role.PRIVACY_OFFICER, he)
        _assign(account("admin@vangnet.test"), Role.ADMINISTRATOR, he)
        _partners(he, higher_ed=True)
        from vangnet.demo import concerns as demo_concerns

        demo_concerns.build(rng)
        from vangnet.demo import cases as demo_cases

        demo_cases.build()
        from vangnet.demo import incidents as demo_incidents

        demo_incidents.build()
        from vangnet.demo.measures import add_measures

        add_measures()
        from vangnet.demo import he_cases as demo_he_cases

        demo_he_cases.build()
        record(
            Actor.system("demo"),
            EventType.DEMO_LOADED,
            board_id=he.pk,
            object_type="board",
            object_id=str(he.pk),
            data={"schools": len(HE_PROGRAMMES), "pupils": students},
        )
    return True
