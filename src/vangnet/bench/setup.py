"""What the benchmark needs in its own database: a logged-in session and an API token for
the demo teacher, the pupils to request, and extra guardians for the query-count check.

Only ever run against the benchmark's throwaway database (see :mod:`vangnet.bench.prepare`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import transaction
from django.db.models import Count

from vangnet.accounts.actions import do_create_api_token
from vangnet.accounts.middleware import LAST_SEEN, LOGIN_AT
from vangnet.accounts.models import User
from vangnet.core import access
from vangnet.core.audit import Actor
from vangnet.organisations.models import Guardian, GuardianLink, Pupil

BENCH_USER = "leerkracht.a@vangnet.test"
SESSION_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@dataclass(frozen=True)
class Fixture:
    user: User
    session_key: str
    token: str
    pupil_id: int  # the pupil the load scenario requests
    guardians: int  # how many guardians that pupil has
    few_id: int  # the pupil the query count grows (1, then 4 guardians)
    dossier_id: int  # the pupil that gets a dossier of DOSSIER_ENTRIES entries


def create_session(user: User) -> str:
    """A logged-in session for ``user``, as if they had just signed in with MFA."""
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    backend = SESSION_BACKEND if SESSION_BACKEND in settings.AUTHENTICATION_BACKENDS else None
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = backend or settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[LOGIN_AT] = session[LAST_SEEN] = time.time()
    session.create()
    key: str = session.session_key
    return key


def add_guardians(pupil: Pupil, total: int) -> int:
    """Link new guardians to ``pupil`` until it has ``total``; returns the count."""
    have = GuardianLink.objects.filter(pupil=pupil).count()
    with transaction.atomic():
        for n in range(have, total):
            guardian = Guardian.objects.create(
                board_id=pupil.school.board_id,
                name=f"Bench Verzorger {n + 1}",
                email=f"bench.{pupil.pk}.{n + 1}@ouders.invalid",
                phone=f"06-{10000000 + n}",
            )
            GuardianLink.objects.create(
                pupil=pupil, guardian=guardian, relation=GuardianLink.Relation.GUARDIAN
            )
    return max(have, total)


def visible_with_guardians(user: User) -> list[tuple[int, int]]:
    """(pupil id, guardian count) of the pupils ``user`` may open, in name order."""
    rows = (
        access.visible_pupils(user)
        .annotate(n=Count("guardian_links"))
        .order_by("last_name", "first_name", "id")
        .values_list("id", "n")
    )
    return [(pk, n) for pk, n in rows]


def choose_pupils(user: User) -> tuple[int, int, int]:
    """(load pupil, its guardian count, pupil with at most one guardian)."""
    rows = visible_with_guardians(user)
    if not rows:
        raise RuntimeError(f"{user.email} sees no pupils; is the demo data loaded?")
    few = min(rows, key=lambda r: r[1])
    if few[1] > 1:
        raise RuntimeError("no visible pupil with at most one guardian")
    typical = next((r for r in rows if r[1] == 2 and r[0] != few[0]), None)
    load = typical or next((r for r in rows if r[0] != few[0]), rows[0])
    return load[0], load[1], few[0]


DOSSIER_ENTRIES = 500
DOSSIER_YEARS = 8


def add_dossier(pupil: Pupil, author: User, total: int) -> int:
    """Give ``pupil`` ``total`` more entries spread over eight school years."""
    import datetime as dt

    from django.utils import timezone

    from vangnet.concerns.models import Concern, Statement
    from vangnet.lib.dates import school_year_of

    now = timezone.now()
    step = dt.timedelta(days=DOSSIER_YEARS * 365 / max(total, 1))
    with transaction.atomic():
        entries = []
        for i in range(total):
            when = now - step * (i + 1)
            entries.append(
                Concern(
                    pupil=pupil,
                    school_id=pupil.school_id,
                    author=author,
                    noticed_by=author.full_name,
                    occurred_at=when,
                    school_year=school_year_of(timezone.localtime(when).date()),
                    location="klas",
                    kind=("signal", "conversation", "consultation")[i % 3],
                )
            )
        entries = Concern.objects.bulk_create(entries)
        Statement.objects.bulk_create(
            Statement(concern=c, kind="fact", text=f"Benchmarkverslag {i}: wat er gebeurde.")
            for i, c in enumerate(entries)
        )
    return total


def prepare_fixture(email: str = BENCH_USER) -> Fixture:
    user = User.objects.get(email=email)
    pupil_id, guardians, few_id = choose_pupils(user)
    taken = {pupil_id, few_id}
    # a third pupil for the long dossier; a tiny test world may only have the first one
    dossier_id = next((r[0] for r in visible_with_guardians(user) if r[0] not in taken), pupil_id)
    token = do_create_api_token(user, name="bench", actor=Actor.system("bench"))
    return Fixture(
        user=user,
        session_key=create_session(user),
        token=token,
        pupil_id=pupil_id,
        guardians=guardians,
        few_id=few_id,
        dossier_id=dossier_id,
    )
