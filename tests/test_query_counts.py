"""List and detail pages use a number of queries that does not grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.world import pupil
from vangnet.organisations.models import Guardian, GuardianLink

pytestmark = pytest.mark.django_db


def queries(client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def add_guardians(world, target, n: int) -> None:
    for i in range(n):
        g = Guardian.objects.create(board=world.board, name=f"Ouder {i}", email=f"o{i}@x.invalid")
        GuardianLink.objects.create(pupil=target, guardian=g, relation="parent")


def add_pupils(world, n: int) -> None:
    for i in range(n):
        pupil(world.school_a, world.group_a5, f"Kind{i}", f"Achternaam{i}", f"X{i}")


def test_pupil_page(world, client_for):
    client = client_for("teacher_a")
    url = f"/leerlingen/{world.pupil_a5.pk}/"
    queries(client, url)  # warm the session
    small = queries(client, url)
    add_guardians(world, world.pupil_a5, 6)
    assert queries(client, url) == small


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("teacher_a", "/leerlingen/"),
        ("care_a", "/leerlingen/?q=a"),
        ("teacher_a", "/"),
        ("care_a", "/"),
    ],
)
def test_lists(world, client_for, persona, url):
    client = client_for(persona)
    queries(client, url)
    small = queries(client, url)
    add_pupils(world, 30)
    assert queries(client, url) == small


def test_api_pupils(world):
    from django.test import Client

    from vangnet.accounts.actions import do_create_api_token
    from vangnet.core.audit import Actor

    token = do_create_api_token(world["care_a"], actor=Actor.system("test"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    queries(client, "/api/v1/pupils?limit=100")  # first use stamps the token's last use
    small = queries(client, "/api/v1/pupils?limit=100")
    add_pupils(world, 40)
    assert queries(client, "/api/v1/pupils?limit=100") == small


def test_pupil_page_with_a_long_dossier(world, client_for):
    """A pupil with hundreds of entries over eight years opens with the same number of
    queries as a pupil with one."""
    import datetime as dt

    from django.utils import timezone

    from vangnet.concerns.models import Concern, Statement

    client = client_for("teacher_a")
    url = f"/leerlingen/{world.pupil_a5.pk}/"
    queries(client, url)
    small = queries(client, url)
    now = timezone.now()
    entries = Concern.objects.bulk_create(
        Concern(
            pupil=world.pupil_a5,
            school=world.school_a,
            author=world["teacher_a"],
            noticed_by="Teacher A",
            occurred_at=now - dt.timedelta(days=6 * i),
            school_year=f"{2026 - i // 60}-{2027 - i // 60}",
        )
        for i in range(500)
    )
    Statement.objects.bulk_create(
        Statement(concern=c, kind="fact", text=f"Verslag {i}") for i, c in enumerate(entries)
    )
    assert queries(client, url) == small
    response = client.get(url)
    assert response.context["total"] == 501 and len(response.context["entries"]) == 40


@pytest.mark.parametrize("persona", ["care_a", "director_a", "teacher_a"])
def test_care_start_page_with_200_cases_and_2000_deadlines(
    world, client_for, django_assert_max_num_queries, persona
):
    """Issue 5: a care coordinator's start page with 200 open cases and 2,000 deadlines
    renders with the same number of queries as with 10 cases (and so does the director's,
    who sees the school's cases that are behind, and the asked teacher's)."""
    from vangnet.bench.care import add_care_cases
    from vangnet.cases.models import CaseTask

    client = client_for(persona)
    add_care_cases(world["care_a"], world.school_a, 10)
    CaseTask.objects.filter(kind=CaseTask.Kind.REQUEST).update(assignee=world["teacher_a"])
    queries(client, "/")
    small = queries(client, "/")
    add_care_cases(world["care_a"], world.school_a, 190)
    CaseTask.objects.filter(kind=CaseTask.Kind.REQUEST).update(assignee=world["teacher_a"])
    assert CaseTask.objects.filter(done_at__isnull=True).count() >= 2000
    with django_assert_max_num_queries(small):
        response = client.get("/")
    assert response.status_code == 200
    shown = {
        "care_a": ("case_tasks", "my_cases"),
        "director_a": ("cases_behind",),
        "teacher_a": ("case_tasks",),
    }[persona]
    for name in shown:
        assert len(response.context[name].rows) == 20 and response.context[name].more, name
