from __future__ import annotations

import socket

import pytest
from django.test import Client

from tests.world import World, build_world


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    """Argon2 is slow on purpose; tests create many users. Production settings keep
    Argon2 (tested in test_settings.py)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """A request activates its language in this thread (LocaleMiddleware) and nothing resets
    it; without this, code run by later tests outside a request could speak English."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Tests never reach outside this machine (loopback is allowed for live servers)."""
    if request.node.get_closest_marker("browser"):
        return
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(host, str) and (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            return real_connect(self, address)  # type: ignore[arg-type]
        raise OSError(f"network access blocked in tests: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _audit_rows_flushable(request: pytest.FixtureRequest):
    """Django empties the database after transactional tests (live server, browser). On
    SQLite that is a DELETE, which the audit table's append-only trigger refuses; allow it
    for that flush only. (PostgreSQL flushes with TRUNCATE, which row triggers ignore.)"""
    from vangnet.core.audit_guard import set_process_maintenance

    set_process_maintenance(False)
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    if request.node.get_closest_marker("django_db") and any(
        m.kwargs.get("transaction") for m in request.node.iter_markers("django_db")
    ):
        transactional.add("transactional_db")
    if transactional:
        request.getfixturevalue("transactional_db")
    yield
    if transactional:
        set_process_maintenance(True)


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client_for(world: World):
    """A logged-in client for a persona (session login; MFA is enrolled for all)."""

    def make(persona: str) -> Client:
        client = Client()
        client.force_login(world[persona])
        return client

    return make
