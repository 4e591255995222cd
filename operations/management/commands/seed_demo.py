from django.core.management.base import BaseCommand

from operations.demo import demo_seed
from participants.demo import DEMO_ORGANISER_PHONE, DEMO_PARTICIPANT_PHONE, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Seed the demo data (Thanh Hóa 2024 contest, an open demo round, units, questions)."

    def handle(self, *args, **options):
        summary = demo_seed()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({summary})."))
        self.stdout.write(f"  Ban Tổ chức: {DEMO_ORGANISER_PHONE} / {DEMO_PASSWORD}")
        self.stdout.write(f"  Thí sinh:    {DEMO_PARTICIPANT_PHONE} / {DEMO_PASSWORD}")
