from django.core.management.base import BaseCommand, CommandError

from leaderboard.publication import results_digest, round_results_csv
from leaderboard.verification import round_verify
from rounds.models import Round


class Command(BaseCommand):
    help = (
        "Recompute a round's ranking and prizes from its raw attempts in plain Python and "
        "compare them with the stored results: exit 0 when they match, 1 with the differing "
        "rows otherwise. --digest also prints the SHA-256 of the round's results file."
    )

    def add_arguments(self, parser):
        parser.add_argument("round", type=int, help="The round's id.")
        parser.add_argument(
            "--digest", action="store_true", help="Print the results file's SHA-256."
        )

    def handle(self, *args, **options):
        round = Round.objects.select_related("contest").filter(pk=options["round"]).first()
        if round is None:
            raise CommandError(f"No round {options['round']}.", returncode=2)
        if round.ranked_at is None:
            raise CommandError(f"Round {round.pk} has not been ranked yet.", returncode=2)
        if options["digest"]:
            self.stdout.write(results_digest(round_results_csv(round=round)))
        verification = round_verify(round=round)
        if verification.ok:
            self.stdout.write(
                self.style.SUCCESS(f"Round {round.pk}: {verification.results} results verified.")
            )
            return
        for difference in verification.differences:
            self.stdout.write(difference)
        raise CommandError(
            f"Round {round.pk}: {len(verification.differences)} differences.", returncode=1
        )
