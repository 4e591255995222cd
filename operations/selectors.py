"""Reads for the pages that span apps."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from quizzes.selectors import contest_finished_attempts
from rounds.models import Contest, Round
from rounds.selectors import contest_current


@dataclass(frozen=True)
class ContestTotals:
    participants: int
    attempts: int
    computed_at: datetime


HOME_TOTALS_FRESH_SECONDS = 60


def contest_totals(*, contest_id: int, now: datetime | None = None) -> ContestTotals:
    """The home page's live totals: people who took part in the contest's official rounds and
    their finished attempts. Computed on first need (one aggregate query), then kept in the
    cache and recomputed at most once a minute by one request while the others read the last
    figures: right from the first attempt on, not only after the periodic refresh of the
    participation tables (which the reports read)."""
    now = now or timezone.now()
    key = f"operations:contest-totals:{contest_id}"
    totals = cache.get(key)
    stale = totals is None or (now - totals.computed_at).total_seconds() > HOME_TOTALS_FRESH_SECONDS
    if stale and (totals is None or cache.add(f"{key}:computing", 1, timeout=30)):
        counts = contest_finished_attempts(contest_id=contest_id).aggregate(
            people=Count("participant_id", distinct=True), attempts=Count("id")
        )
        totals = ContestTotals(
            participants=counts["people"], attempts=counts["attempts"], computed_at=now
        )
        cache.set(key, totals, timeout=24 * 3600)
        cache.delete(f"{key}:computing")
    return totals


def contest_home(*, now: datetime) -> Contest | None:
    """The contest of the home page (rounds.selectors.contest_current) in the same one query
    with its practice round open now (`practice_round_id`)."""
    practice = Round.objects.filter(
        contest=OuterRef("pk"),
        is_practice=True,
        starts_at__lte=now,
        ends_at__gt=now,
        state__in=[Round.State.SCHEDULED, Round.State.OPEN],
    ).order_by("number")
    return contest_current(
        contests=Contest.objects.annotate(practice_round_id=Subquery(practice.values("pk")[:1])),
    )
