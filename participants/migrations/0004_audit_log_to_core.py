"""The audit log model now lives in core (core 0001 takes over its state); its table and rows
stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_audit_log_from_participants"),
        ("participants", "0003_personal_data_rights"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditLogEntry")],
            database_operations=[],
        ),
    ]
