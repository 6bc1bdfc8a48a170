"""Remove every row of Vangnet's own data (for `vangnet demo --reset`)."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

from vangnet.core.audit_guard import maintenance

APP_LABELS = (
    "core",
    "organisations",
    "accounts",
    "mfa",
    "account",
    "axes",
    "django_tasks_db",
    "sessions",
)


def wipe_all() -> None:
    models = [m for label in APP_LABELS for m in apps.get_app_config(label).get_models()]
    tables = [m._meta.db_table for m in models]
    with maintenance(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
