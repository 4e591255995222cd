from django.core.management.base import BaseCommand

from leaderboard.demo_participation import demo_banner
from operations.demo import demo_seed


class Command(BaseCommand):
    help = "Seed the demo data (Thanh Hóa 2024 contest, an open demo round, units, questions)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--banner",
            action="store_true",
            help="Only print the addresses and the demo logins (make run's banner).",
        )

    def handle(self, *args, **options):
        if not options["banner"]:
            summary = demo_seed()
            self.stdout.write(self.style.SUCCESS(f"Demo data ready ({summary})."))
        self.stdout.write(demo_banner())
