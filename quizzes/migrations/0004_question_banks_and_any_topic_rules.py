import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0003_revealed_questions"),
        ("rounds", "0003_contest_draft_and_current"),
    ]

    operations = [
        migrations.CreateModel(
            name="QuestionBank",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        max_length=200, unique=True, verbose_name="tên ngân hàng câu hỏi"
                    ),
                ),
                ("slug", models.SlugField(max_length=80, unique=True, verbose_name="mã ngân hàng")),
                ("description", models.TextField(blank=True, verbose_name="ghi chú")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "contests",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Các đợt thi của những cuộc thi này rút câu hỏi từ ngân hàng.",
                        related_name="question_banks",
                        to="rounds.contest",
                        verbose_name="dùng cho cuộc thi",
                    ),
                ),
            ],
            options={
                "verbose_name": "ngân hàng câu hỏi",
                "verbose_name_plural": "ngân hàng câu hỏi",
                "ordering": ["name"],
            },
        ),
        migrations.AddField(
            model_name="question",
            name="bank",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="questions",
                to="quizzes.questionbank",
                verbose_name="ngân hàng câu hỏi",
            ),
        ),
        migrations.AlterField(
            model_name="drawrule",
            name="topic",
            field=models.ForeignKey(
                blank=True,
                help_text="Để trống: câu hỏi của mọi chủ đề.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="quizzes.topic",
                verbose_name="chủ đề",
            ),
        ),
        migrations.AddConstraint(
            model_name="drawrule",
            constraint=models.UniqueConstraint(
                condition=models.Q(("topic__isnull", True)),
                fields=("round", "difficulty"),
                name="draw_rule_any_topic_unique",
            ),
        ),
    ]
