from django.core.management.base import BaseCommand

from operations.pipeline import rounds_sweep


class Command(BaseCommand):
    help = (
        "Run the round sweep now (what Celery beat runs every minute): auto-submit overdue "
        "attempts, close ended rounds, rank them."
    )

    def handle(self, *args, **options):
        summary = rounds_sweep()
        self.stdout.write(self.style.SUCCESS(f"Sweep done: {summary}"))
