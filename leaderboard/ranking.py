"""A round's stored ranking and the prizes given down it, by the ranking policy
(quizzes.ranking_policy: eligibility, counted attempt, key, each written once).

The ranking is set-based: one INSERT … SELECT with window functions picks each participant's
counted attempt (ROW_NUMBER) and ranks them (RANK), both ordered by the policy's SQL.
The same SQL runs on PostgreSQL (the target) and SQLite ≥ 3.25 (`make run`). The flow around it (lock, finalise attempts, mark the round
ranked) is operations.pipeline.round_rank."""

import logging
from dataclasses import dataclass

from django.db import connection

from quizzes.ranking_policy import RANKING_KEY, counted_sql, order_sql
from rounds.models import Contest, PrizeTier, Round

from .models import Award, RoundResult

logger = logging.getLogger(__name__)


def _prediction_actual(*, round: Round) -> int:
    """How many eligible participants have a full-mark counted attempt. With the "best" rule
    the counted attempt is full-mark exactly when any attempt is (score comes first in the
    key), so no pick is needed; with "first"/"last" the pick does not involve the prediction."""
    if round.contest.counted_attempt == Contest.CountedAttempt.BEST:
        tail = "SELECT COUNT(DISTINCT participant_id) FROM eligible WHERE score = question_count"
    else:
        tail = "SELECT COUNT(*) FROM counted WHERE pick = 1 AND score = question_count"
    sql = counted_sql(counted_attempt=round.contest.counted_attempt) + tail
    with connection.cursor() as cursor:
        cursor.execute(sql, [None, round.pk, round.contest_id])
        return cursor.fetchone()[0]


def _results_store(*, round: Round, actual: int) -> int:
    """Replace the round's stored ranking (and drop its awards): delete, then one INSERT …
    SELECT; returns the number of rows."""
    result = RoundResult._meta.db_table
    sql = counted_sql(counted_attempt=round.contest.counted_attempt) + (
        f"""
        INSERT INTO {result} (round_id, participant_id, attempt_id, score, prediction,
                              prediction_error, duration_ms, submitted_at, rank)
        SELECT %s, participant_id, id, score, prediction, prediction_error, duration_ms,
               submitted_at, RANK() OVER (ORDER BY {order_sql(RANKING_KEY)})
        FROM counted WHERE pick = 1
        """
    )
    with connection.cursor() as cursor:
        # Plain DELETEs: the ORM's would load every stored row to cascade to the awards.
        cursor.execute(f"DELETE FROM {Award._meta.db_table} WHERE round_id = %s", [round.pk])
        cursor.execute(f"DELETE FROM {result} WHERE round_id = %s", [round.pk])
        cursor.execute(sql, [actual, round.pk, round.contest_id, round.pk])
    # (SQLite reports no row count for WITH … INSERT.)
    return RoundResult.objects.filter(round=round).count()


@dataclass(frozen=True)
class RankSummary:
    round_id: int
    prediction_actual: int
    results: int
    awards: int
    ties_to_decide: int


def round_results_store(*, round: Round) -> RankSummary:
    """Rank a round and store its ranking and prizes, replacing what was stored (call under
    the round's lock, once every attempt is finished: operations.pipeline.round_rank). The
    round's state is not touched (rounds.services.round_mark_ranked)."""
    if connection.vendor == "postgresql":
        # The window functions sort a row per attempt: keep the sorts in memory.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
    actual = _prediction_actual(round=round)
    results = _results_store(round=round, actual=actual)
    awards, ties = round_awards_store(round=round)
    logger.info(
        "round %s ranked: %s results, actual %s, %s awards, %s to decide",
        round.pk,
        results,
        actual,
        awards,
        ties,
    )
    return RankSummary(
        round_id=round.pk,
        prediction_actual=actual,
        results=results,
        awards=awards,
        ties_to_decide=ties,
    )


def round_awards_store(*, round: Round) -> tuple[int, int]:
    """Give the round's prizes down its stored ranking, tier by tier (call under the round's
    lock, after the ranking is stored). Returns (awards, awards needing a decision).

    With the per-contest scope, a person who won in an earlier round of the contest is skipped.
    A tie at a tier's last place is not cut silently: everyone sharing that rank gets the tier
    and is flagged `needs_decision` for the organisers (the next tier starts after them)."""
    tiers = list(PrizeTier.objects.filter(round=round).order_by("order"))
    if not tiers:
        return 0, 0
    skipped: set[int] = set()
    if round.contest.prize_scope == Contest.PrizeScope.CONTEST:
        skipped = set(
            Award.objects.filter(
                round__contest_id=round.contest_id, round__number__lt=round.number
            ).values_list("participant_id", flat=True)
        )
    ranking = (
        RoundResult.objects.filter(round=round)
        .exclude(participant_id__in=skipped)
        .order_by("rank", "id")
        .values_list("id", "participant_id", "rank")
        .iterator(chunk_size=200)
    )
    # Read down the ranking only as far as the prizes (and a tie at the last place) go.
    pending = next(ranking, None)
    awards: list[Award] = []
    for tier in tiers:
        given: list[tuple[int, int, int]] = []
        while pending is not None and len(given) < tier.count:
            given.append(pending)
            pending = next(ranking, None)
        if not given:
            break
        last_rank = given[-1][2]
        tied_beyond: list[tuple[int, int, int]] = []
        while pending is not None and pending[2] == last_rank:
            tied_beyond.append(pending)
            pending = next(ranking, None)
        for result_id, participant_id, rank in [*given, *tied_beyond]:
            awards.append(
                Award(
                    round=round,
                    participant_id=participant_id,
                    tier=tier,
                    result_id=result_id,
                    needs_decision=bool(tied_beyond) and rank == last_rank,
                )
            )
    Award.objects.bulk_create(awards)
    return len(awards), sum(1 for award in awards if award.needs_decision)
