"""Remove every row of Vangnet's own data (for `vangnet demo --reset`)."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

from vangnet.core.audit_guard import maintenance

# Every app whose rows are data (not schema such as permissions or content types). Care
# cases and concerns reference pupils and users with PROTECT; the database checks foreign
# keys only at the end of the transaction (SQLite: deferred; PostgreSQL: TRUNCATE ...
# CASCADE), so the order of the tables does not matter as long as all of them are listed.
APP_LABELS = (
    "core",
    "organisations",
    "concerns",
    "cases",
    "incidents",
    "measures",
    "sharing",
    "meetings",
    "accounts",
    "mfa",
    "account",
    "axes",
    "django_tasks_database",  # the label of the django_tasks_db package's app
    "django_tasks_db",  # (older releases)
    "sessions",
)


def _tables() -> list[str]:
    installed = {config.label for config in apps.get_app_configs()}
    tables: list[str] = []
    for label in APP_LABELS:
        if label not in installed:
            continue
        # include_auto_created: the join tables of many-to-many fields (group teachers)
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.db_table not in tables:
                tables.append(model._meta.db_table)
    return tables


def wipe_all() -> None:
    tables = _tables()
    with maintenance(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # deferred foreign-key checks of rows written earlier in this transaction must
            # run first: PostgreSQL refuses to TRUNCATE a table with pending trigger events
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
