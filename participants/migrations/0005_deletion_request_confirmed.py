from django.db import migrations, models
from django.db.models import F


def _confirm_existing(apps, schema_editor):
    # Every request stored so far was made through the page's confirmation box.
    DataDeletionRequest = apps.get_model("participants", "DataDeletionRequest")
    DataDeletionRequest.objects.filter(confirmed_at=None).update(confirmed_at=F("requested_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0004_audit_log_to_core"),
    ]

    operations = [
        migrations.AddField(
            model_name="datadeletionrequest",
            name="confirmed_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="người dự thi xác nhận lúc"
            ),
        ),
        migrations.RunPython(_confirm_existing, migrations.RunPython.noop),
    ]
