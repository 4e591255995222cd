"""Reads for the pages that span apps."""

from datetime import datetime

from django.db.models import OuterRef, Subquery

from leaderboard.models import ParticipationStat
from rounds.models import Contest, Round
from rounds.selectors import contest_current


def contest_home(*, now: datetime) -> Contest | None:
    """The contest of the home page (rounds.selectors.contest_current) in the same one query
    with its live totals from the stored statistics (`participants_total`, `attempts_total`,
    `totals_refreshed_at`; None before the first refresh) and its practice round open now
    (`practice_round_id`)."""
    totals = ParticipationStat.objects.filter(
        contest=OuterRef("pk"), round__isnull=True, unit__isnull=True
    )
    practice = Round.objects.filter(
        contest=OuterRef("pk"),
        is_practice=True,
        starts_at__lte=now,
        ends_at__gt=now,
        state__in=[Round.State.SCHEDULED, Round.State.OPEN],
    ).order_by("number")
    return contest_current(
        now=now,
        contests=Contest.objects.annotate(
            participants_total=Subquery(totals.values("participants")[:1]),
            attempts_total=Subquery(totals.values("attempts")[:1]),
            totals_refreshed_at=Subquery(totals.values("refreshed_at")[:1]),
            practice_round_id=Subquery(practice.values("pk")[:1]),
        ),
    )
