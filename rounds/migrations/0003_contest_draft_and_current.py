from django.db import migrations, models
from django.db.models import Exists, OuterRef


def current_contest_choose(apps, schema_editor):
    """The contest the home page showed before (an active one with an official round open
    now, else the newest active one) becomes the explicitly chosen current contest."""
    from django.utils import timezone

    Contest = apps.get_model("rounds", "Contest")
    Round = apps.get_model("rounds", "Round")
    now = timezone.now()
    open_now = Round.objects.filter(
        contest=OuterRef("pk"),
        starts_at__lte=now,
        ends_at__gt=now,
        is_practice=False,
        state__in=["scheduled", "open"],
    )
    chosen = (
        Contest.objects.filter(is_active=True)
        .annotate(has_open_round=Exists(open_now))
        .order_by("-has_open_round", "-created_at")
        .first()
    )
    if chosen is not None:
        Contest.objects.filter(pk=chosen.pk).update(is_current=True)


class Migration(migrations.Migration):
    dependencies = [
        ("rounds", "0002_revealed_questions"),
    ]

    operations = [
        migrations.AddField(
            model_name="contest",
            name="is_current",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Cuộc thi trang chủ và các trang báo cáo hiển thị.",
                verbose_name="cuộc thi hiện tại",
            ),
        ),
        # Existing contests keep their visibility; a new one starts as a draft.
        migrations.AlterField(
            model_name="contest",
            name="is_active",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Bản nháp (chưa công bố) chỉ Ban Tổ chức thấy; người dự thi không vào thi "
                    "được."
                ),
                verbose_name="đã công bố",
            ),
        ),
        migrations.RunPython(current_contest_choose, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="contest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_current", True)),
                fields=("is_current",),
                name="contest_one_current",
                violation_error_message="Chỉ một cuộc thi được là cuộc thi hiện tại.",
            ),
        ),
        migrations.AddConstraint(
            model_name="contest",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_current", False), ("is_active", True), _connector="OR"),
                name="contest_current_is_published",
                violation_error_message="Cuộc thi hiện tại phải là cuộc thi đã công bố.",
            ),
        ),
    ]
