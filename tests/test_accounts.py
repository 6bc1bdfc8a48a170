"""Login with a second factor, lockout, session lifetimes, server-side logout."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from tests.world import PASSWORD, TOTP_SECRET, make_user
from vangnet.accounts.middleware import LAST_SEEN, LOGIN_AT
from vangnet.core.models import AuditEvent, EventType
from vangnet.core.roles import Role
from vangnet.organisations.models import RoleAssignment

pytestmark = pytest.mark.django_db


def current_code(offset: int = 0) -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30 + offset))


def login(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_login_asks_for_the_totp_code_then_lands_on_start(world):
    client = Client()
    response = login(client, world["teacher_a"].email)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/").status_code == 302  # not logged in before the code
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200  # wrong code: stays on the page
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code()})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(event_type=EventType.LOGIN).latest("id")
    assert event.actor_id == world["teacher_a"].pk and event.board_id == world.board.pk


def test_role_without_second_factor_must_set_one_up(world):
    user = make_user("new.teacher@test.invalid", "New Teacher", mfa=False)
    RoleAssignment.objects.create(
        user=user, role=Role.TEACHER, board=world.board, school=world.school_a
    )
    client = Client()
    response = login(client, user.email)
    assert response.status_code == 302
    for url in ["/", "/leerlingen/", f"/leerlingen/{world.pupil_a5.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/totp/activate/"
    # allauth asks for the password once more before a second factor is added.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_wrong_passwords_lock_the_account(world):
    email = world["care_a"].email
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, email, "wrong-password")
        assert response.status_code == 200
        assert "Inloggen" in response.content.decode()
    assert login(client, email, "wrong-password").status_code == 429  # the limit is reached
    response = login(client, email)  # the right password, but locked now
    assert response.status_code == 429
    assert "tijdelijk geblokkeerd" in response.content.decode()
    assert AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED).count() >= 5
    assert AuditEvent.objects.filter(event_type=EventType.LOCKED_OUT).exists()


def test_failed_login_for_unknown_address_is_indistinguishable(world):
    known = login(Client(), world["care_a"].email, "wrong-password").content.decode()
    unknown = login(Client(), "nobody@test.invalid", "wrong-password").content.decode()
    assert ("errorlist" in known) == ("errorlist" in unknown)


def _age_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = time.time()
    session[LOGIN_AT] = now - seconds_ago.get("login", 0)
    session[LAST_SEEN] = now - seconds_ago.get("seen", 0)
    session.save()


def test_idle_session_is_ended(world, client_for):
    client = client_for("teacher_a")
    _age_session(client, seen=int(settings.IDLE_TIMEOUT.total_seconds()) - 30)
    assert client.get("/").status_code == 200
    _age_session(client, seen=int(settings.IDLE_TIMEOUT.total_seconds()) + 5)
    response = client.get("/leerlingen/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fleerlingen%2F"
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event_type=EventType.SESSION_EXPIRED).exists()


def test_absolute_session_lifetime(world, client_for):
    client = client_for("teacher_a")
    _age_session(client, login=int(settings.SESSION_MAX_AGE.total_seconds()) + 5)
    assert client.get("/").status_code == 302


def test_logout_removes_the_session_server_side(world, client_for):
    client = client_for("teacher_a")
    key = client.session.session_key
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = key
    assert stolen.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    assert stolen.get("/").status_code == 302
    assert AuditEvent.objects.filter(event_type=EventType.LOGOUT).exists()


def test_signup_is_closed():
    response = Client().get("/accounts/signup/")
    assert response.status_code == 200
    assert 'name="password1"' not in response.content.decode()


def test_passwords_are_hashed_with_argon2_in_the_product():
    from vangnet import settings as product

    assert product.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
