from django.core.management.base import BaseCommand, CommandError

from operations.personal_data import deletion_requests_process
from participants.selectors import deletion_requests_refused, participants_due_for_anonymising


class Command(BaseCommand):
    help = (
        "Ẩn danh hóa tài khoản của những người đã gửi và xác nhận yêu cầu xóa dữ liệu (chạy sau "
        "khi cuộc thi kết thúc); kết quả thi được giữ lại ở dạng ẩn danh. Liệt kê từng người và "
        "hỏi xác nhận trước khi làm; không bao giờ đụng tới tài khoản quản trị."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--yes", action="store_true", help="Không hỏi xác nhận (dùng trong kịch bản)."
        )

    def handle(self, *args, yes: bool = False, **options):
        for person in deletion_requests_refused():
            self.stderr.write(
                self.style.WARNING(
                    f"Bỏ qua #{person.pk} {person.full_name} ({person.user}): tài khoản quản "
                    "trị không được ẩn danh hóa; hãy gỡ quyền quản trị trước."
                )
            )
        people = list(participants_due_for_anonymising())
        if not people:
            self.stdout.write("Không có yêu cầu xóa dữ liệu nào đã xác nhận đang chờ xử lý.")
            return
        self.stdout.write(f"Sẽ ẩn danh hóa {len(people)} tài khoản (không thể hoàn tác):")
        for person in people:
            self.stdout.write(
                f"  #{person.pk} {person.full_name} · {person.user} · {person.unit or '—'}"
            )
        if not yes:
            answer = input(f"Gõ “{len(people)}” để ẩn danh hóa {len(people)} tài khoản: ")
            if answer.strip() != str(len(people)):
                raise CommandError("Đã hủy: không ẩn danh hóa tài khoản nào.")
        count = deletion_requests_process(participant_ids=[person.pk for person in people])
        self.stdout.write(self.style.SUCCESS(f"Đã ẩn danh hóa {count} tài khoản."))
