import django.db.models.deletion
from django.db import migrations, models

import quizzes.models


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0005_question_default_bank")]

    operations = [
        migrations.AlterField(
            model_name="question",
            name="bank",
            field=models.ForeignKey(
                default=quizzes.models.question_bank_default_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="questions",
                to="quizzes.questionbank",
                verbose_name="ngân hàng câu hỏi",
            ),
        ),
    ]
