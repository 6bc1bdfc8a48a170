"""Database triggers that make the audit table append-only.

UPDATE and DELETE on ``core_auditevent`` are refused by the database itself. The only
way around is :func:`maintenance`, used by ``vangnet demo --reset`` and by tests that
tamper with the chain on purpose. On PostgreSQL it sets a transaction-local setting;
on SQLite a Python function registered on each connection answers the trigger.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.dispatch import receiver

_state = threading.local()
_global = {"maintenance": False}

SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON core_auditevent
       WHEN vangnet_audit_locked()
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON core_auditevent
       WHEN vangnet_audit_locked()
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]

POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION vangnet_audit_append_only() RETURNS trigger AS $$
       BEGIN
         IF coalesce(current_setting('vangnet.audit_maintenance', true), '') = 'on' THEN
           RETURN COALESCE(NEW, OLD);
         END IF;
         RAISE EXCEPTION 'audit events are append-only';
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION vangnet_audit_append_only()""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS vangnet_audit_append_only()",
]


def _locked() -> int:
    return 0 if (_global["maintenance"] or getattr(_state, "maintenance", False)) else 1


@receiver(connection_created)
def _register_sqlite_function(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("vangnet_audit_locked", 0, _locked)


def install_sql(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL}.get(vendor, [])


def remove_sql(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_REMOVE, "postgresql": POSTGRES_REMOVE}.get(vendor, [])


@contextmanager
def maintenance(*, process_wide: bool = False) -> Iterator[None]:
    """Allow changing audit rows for the duration of the block (never in normal use)."""
    if process_wide:
        _global["maintenance"] = True
    _state.maintenance = True
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL vangnet.audit_maintenance = 'on'")
            yield
    finally:
        _state.maintenance = False
        if process_wide:
            _global["maintenance"] = False


def set_process_maintenance(on: bool) -> None:
    """For test teardown on SQLite: Django's flush deletes rows between live-server tests."""
    _global["maintenance"] = on
