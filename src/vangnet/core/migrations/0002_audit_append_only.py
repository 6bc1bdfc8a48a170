"""Make the audit table append-only with database triggers (see core/audit_guard.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from vangnet.core.audit_guard import install_sql

    for statement in install_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    from vangnet.core.audit_guard import remove_sql

    for statement in remove_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
