from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from quizzes.bank import (
    ImportFileError,
    import_bank_check,
    question_file_read,
    question_rows_import,
)


class Command(BaseCommand):
    help = "Nhập câu hỏi từ tệp .xlsx hoặc .csv theo mẫu; tệp có lỗi thì không nhập câu nào."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi vào ngân hàng."
        )
        parser.add_argument(
            "--practice", action="store_true", help="Nhập vào ngân hàng câu hỏi thi thử."
        )

    def handle(self, *args, file: Path, dry_run: bool, practice: bool, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Không đọc được tệp %(file)s: %(error)s")
                % {"file": file, "error": error.strerror}
            ) from error
        try:
            rows = question_file_read(name=file.name, content=content)
        except ImportFileError as error:
            for row_error in error.errors:
                self.stderr.write(
                    _("Dòng %(row)d: %(message)s")
                    % {"row": row_error.row, "message": row_error.message}
                )
            raise CommandError(error.message) from error
        report = question_rows_import(rows=rows, dry_run=True)
        if report.errors:
            for error in report.errors:
                self.stderr.write(
                    _("Dòng %(row)d: %(message)s") % {"row": error.row, "message": error.message}
                )
            raise CommandError(
                _("Tệp có %(n)d lỗi; không câu hỏi nào được nhập.") % {"n": len(report.errors)}
            )
        # Answer cues and near-duplicates: warnings, checked against the bank before the import.
        for warning in import_bank_check(report=report, is_practice=practice).warnings:
            self.stdout.write(_("Lưu ý: %(warning)s") % {"warning": warning})
        if dry_run:
            self.stdout.write(
                _("Tệp hợp lệ: %(n)d câu hỏi sẽ được nhập.") % {"n": len(report.questions)}
            )
            return
        report = question_rows_import(rows=rows, is_practice=practice, source_name=file.name)
        if report.errors:  # another import took the same questions meanwhile
            raise CommandError(
                _("Tệp có %(n)d lỗi; không câu hỏi nào được nhập.") % {"n": len(report.errors)}
            )
        self.stdout.write(self.style.SUCCESS(_("Đã nhập %(n)d câu hỏi.") % {"n": report.created}))
