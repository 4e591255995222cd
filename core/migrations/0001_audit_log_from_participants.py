"""The audit log model moves from participants to core without touching its table: the state
is created here and deleted in participants 0004; the database keeps
participants_auditlogentry and its rows. The content type is relabelled so that the
permissions already granted (organisers may view the log) stay granted."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_relabel(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="core", model="auditlogentry").exists():
        content_type.objects.filter(app_label="participants", model="auditlogentry").update(
            app_label="core"
        )


def content_type_unlabel(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="participants", model="auditlogentry").exists():
        content_type.objects.filter(app_label="core", model="auditlogentry").update(
            app_label="participants"
        )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("participants", "0003_personal_data_rights"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditLogEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                db_index=True, max_length=80, verbose_name="hành động"
                            ),
                        ),
                        (
                            "target_type",
                            models.CharField(
                                blank=True, max_length=80, verbose_name="loại đối tượng"
                            ),
                        ),
                        (
                            "target_id",
                            models.CharField(
                                blank=True, max_length=64, verbose_name="mã đối tượng"
                            ),
                        ),
                        (
                            "details",
                            models.JSONField(blank=True, default=dict, verbose_name="chi tiết"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="thời điểm"
                            ),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="người thực hiện",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "nhật ký thao tác",
                        "verbose_name_plural": "nhật ký thao tác",
                        "db_table": "participants_auditlogentry",
                        "ordering": ["-created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_relabel, content_type_unlabel),
    ]
