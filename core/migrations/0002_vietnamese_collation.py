"""The ICU collation that orders names in Vietnamese (core.collation). PostgreSQL built with
ICU has it from initdb; a server whose collations were not imported gets it here."""

from django.db import migrations


def collation_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'CREATE COLLATION IF NOT EXISTS "vi-x-icu" (provider = icu, locale = \'vi\')'
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_log_from_participants")]

    operations = [migrations.RunPython(collation_create, migrations.RunPython.noop)]
