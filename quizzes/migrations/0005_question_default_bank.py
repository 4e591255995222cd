from django.db import migrations


def default_bank_fill(apps, schema_editor):
    """Every existing question goes to one default bank, which every existing contest names:
    their rounds draw exactly what they drew before."""
    QuestionBank = apps.get_model("quizzes", "QuestionBank")
    Question = apps.get_model("quizzes", "Question")
    Contest = apps.get_model("rounds", "Contest")
    bank, _created = QuestionBank.objects.get_or_create(
        slug="ngan-hang-chung", defaults={"name": "Ngân hàng câu hỏi chung"}
    )
    bank.contests.set(Contest.objects.all())
    Question.objects.filter(bank__isnull=True).update(bank=bank)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0004_question_banks_and_any_topic_rules")]

    operations = [migrations.RunPython(default_bank_fill, migrations.RunPython.noop)]
