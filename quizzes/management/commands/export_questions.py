from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from quizzes.bank_export import question_export
from quizzes.models import Question


class Command(BaseCommand):
    help = "Xuất ngân hàng câu hỏi (hoặc một phần) ra tệp .xlsx theo mẫu nhập."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--topic", action="append", default=[], help="Mã chủ đề (lặp được).")
        parser.add_argument("--difficulty", type=int, choices=[1, 2, 3])
        parser.add_argument("--active-only", action="store_true")
        parser.add_argument(
            "--practice", choices=["yes", "no"], help="Chỉ câu thi thử (yes) hoặc thi chính thức."
        )

    def handle(self, *args, file: Path, topic, difficulty, active_only, practice, **options):
        questions = Question.objects.all()
        if topic:
            questions = questions.filter(topic__slug__in=topic)
        if difficulty:
            questions = questions.filter(difficulty=difficulty)
        if active_only:
            questions = questions.filter(is_active=True)
        if practice:
            questions = questions.filter(is_practice=practice == "yes")
        file.write_bytes(question_export(questions=questions))
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã xuất %(n)d câu hỏi ra %(file)s.") % {"n": questions.count(), "file": file}
            )
        )
