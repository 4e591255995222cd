from django.core.management.base import BaseCommand

from participants.services import deletion_requests_process


class Command(BaseCommand):
    help = (
        "Ẩn danh hóa tài khoản của những người đã yêu cầu xóa dữ liệu (chạy sau khi cuộc thi "
        "kết thúc); kết quả thi được giữ lại ở dạng ẩn danh."
    )

    def handle(self, *args, **options):
        count = deletion_requests_process()
        self.stdout.write(self.style.SUCCESS(f"Đã ẩn danh hóa {count} tài khoản."))
