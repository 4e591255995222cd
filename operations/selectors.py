"""Reads for the pages that span apps."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from leaderboard.participation import ParticipationRow, participation_overall, participation_rows
from leaderboard.results import counted_attempts_stored, participant_recognition
from participants.models import Participant
from quizzes.selectors import contest_finished_attempts, participant_history
from rounds.models import Contest, Round
from rounds.selectors import contest_current, contest_rounds, round_timing_label


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
        now=now,
        contests=Contest.objects.annotate(practice_round_id=Subquery(practice.values("pk")[:1])),
    )


def participant_history_page(*, participant: Participant) -> list[dict]:
    """A person's attempts by round for the history page: the counted attempt as the stored
    ranking has it once the round is ranked (none when the ranking left the person out),
    the ranking policy's provisional pick before; and the rank, prize and certificates of
    the published rounds."""
    groups = participant_history(participant=participant)
    if not groups:
        return groups
    stored = counted_attempts_stored(participant_id=participant.pk)
    recognition = participant_recognition(user_id=participant.user_id)
    for group in groups:
        round = group["round"]
        if round.state in (Round.State.RANKED, Round.State.PUBLISHED) and not round.is_practice:
            attempt_id = stored.get(round.pk)
            group["counted"] = next((a for a in group["attempts"] if a.pk == attempt_id), None)
        group["recognition"] = recognition.get(round.pk)
    return groups


@dataclass(frozen=True)
class DashboardRound:
    round: Round
    phase: str
    phase_label: str
    timing: str


@dataclass(frozen=True)
class AdminDashboard:
    """What the admin index shows of the current contest: its rounds with their state and
    countdown, participation against the target, how many top-level units reached it."""

    contest: Contest
    rounds: list[DashboardRound]
    overall: ParticipationRow | None
    units_total: int
    units_reached: int


def admin_dashboard(*, now: datetime | None = None) -> AdminDashboard | None:
    """The current contest (the one the home page shows) for the admin index; None when
    there is none. Reads the stored participation figures only (five queries)."""
    now = now or timezone.now()
    contest = contest_current(now=now)
    if contest is None:
        return None
    rounds = [
        DashboardRound(
            round=round,
            phase=round.phase_at(now),
            phase_label=str(Round.State(round.phase_at(now)).label),
            timing=round_timing_label(round=round, now=now),
        )
        for round in contest_rounds(contest=contest)
    ]
    top_units = [row for row in participation_rows(contest=contest) if row.depth == 0]
    return AdminDashboard(
        contest=contest,
        rounds=rounds,
        overall=participation_overall(contest=contest),
        units_total=len(top_units),
        units_reached=sum(1 for row in top_units if row.reached),
    )
