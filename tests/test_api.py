"""The JSON API: token auth, same access rules as the pages, audited reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from vangnet.accounts.actions import do_create_api_token
from vangnet.accounts.models import ApiToken
from vangnet.core.audit import Actor
from vangnet.core.models import AuditEvent, EventType
from vangnet.lib.hashing import token_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def make(persona: str) -> tuple[Client, str]:
        token = do_create_api_token(world[persona], actor=Actor.system("test"))
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client, token

    return make


def test_me_lists_roles_with_school_ids(world, api):
    client, _ = api("care_a")
    body = client.get("/api/v1/me").json()
    assert body["email"] == world["care_a"].email
    assert body["roles"] == [
        {
            "role": "care_coordinator",
            "title": body["roles"][0]["title"],
            "board_id": world.board.pk,
            "school_id": world.school_a.pk,
        }
    ]


def test_schools_are_the_visible_ones(world, api):
    client, _ = api("board")
    ids = {s["id"] for s in client.get("/api/v1/schools").json()}
    assert ids == {world.school_a.pk, world.school_b.pk}


def test_pupils_list_and_filter(world, api):
    client, _ = api("care_a")
    rows = client.get("/api/v1/pupils").json()
    assert {r["id"] for r in rows} == {world.pupil_a5.pk, world.pupil_a6.pk}
    assert client.get(f"/api/v1/pupils?school={world.school_b.pk}").json() == []
    teacher, _ = api("teacher_a")
    assert [r["id"] for r in teacher.get("/api/v1/pupils").json()] == [world.pupil_a5.pk]


def test_pupil_detail_has_name_school_group_and_is_audited(world, api):
    client, _ = api("teacher_a")
    before = AuditEvent.objects.filter(event_type=EventType.PUPIL_VIEWED).count()
    body = client.get(f"/api/v1/pupils/{world.pupil_a5.pk}").json()
    assert body["full_name"] == "Anna Visser"
    assert body["school"] == {"id": world.school_a.pk, "name": "School A"}
    assert body["group"]["name"] == "Groep 5"
    assert body["guardians"][0]["parental_authority"] is True
    event = AuditEvent.objects.filter(event_type=EventType.PUPIL_VIEWED).latest("id")
    assert AuditEvent.objects.filter(event_type=EventType.PUPIL_VIEWED).count() == before + 1
    assert (event.pupil_id, event.actor_id, event.channel) == (
        world.pupil_a5.pk,
        world["teacher_a"].pk,
        "api",
    )


def test_foreign_pupil_is_404_without_a_read_event(world, api):
    client, _ = api("teacher_b")
    response = client.get(f"/api/v1/pupils/{world.pupil_a5.pk}")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(event_type=EventType.PUPIL_VIEWED).exists()


@pytest.mark.parametrize("change", ["revoked", "expired", "inactive", "garbage"])
def test_unusable_tokens_are_refused(world, api, change):
    client, token = api("care_a")
    row = ApiToken.objects.get(digest=token_digest(token))
    now = timezone.now()
    if change == "revoked":
        row.revoked_at = now
        row.save()
    elif change == "expired":
        row.expires_at = now - dt.timedelta(seconds=1)
        row.save()
    elif change == "inactive":
        world["care_a"].is_active = False
        world["care_a"].save()
    else:
        client = Client(HTTP_AUTHORIZATION="Bearer vn_not-a-real-token")
    assert client.get("/api/v1/me").status_code == 401


def test_token_is_stored_as_digest_only(world, api):
    _, token = api("care_a")
    assert not ApiToken.objects.filter(digest=token).exists()
    assert ApiToken.objects.filter(digest=token_digest(token)).exists()
    assert AuditEvent.objects.filter(event_type=EventType.API_TOKEN_CREATED).exists()


def test_openapi_describes_the_endpoints():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/me", "/api/v1/schools", "/api/v1/pupils", "/api/v1/pupils/{pupil_id}"} <= set(
        paths
    )


def test_healthz_checks_the_database():
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_token_command_prints_a_working_token(world, capsys):
    from django.core.management import call_command

    call_command("token", "create", world["teacher_a"].email)
    token = capsys.readouterr().out.strip()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/me").status_code == 200
