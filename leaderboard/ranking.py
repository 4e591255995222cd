"""A round's stored ranking and the prizes given down it, by the ranking policy
(quizzes.ranking_policy: eligibility, counted attempt, key, each written once).

The ranking is set-based: one INSERT … SELECT with window functions picks each participant's
counted attempt (ROW_NUMBER) and ranks them (RANK), both ordered by the policy's SQL.
The same SQL runs on PostgreSQL (the target) and SQLite ≥ 3.25 (`make run`). The flow around it (lock, finalise attempts, mark the round
ranked) is operations.pipeline.round_rank."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from participants.models import Participant
from quizzes.ranking_policy import RANKING_KEY, counted_sql, order_sql
from rounds.models import Contest, PrizeTier, Round

from .models import Award, RoundResult, TieDecision

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
    # What operations.pipeline's check against the independent recomputation found.
    differences: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        return not self.differences


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


@dataclass(frozen=True)
class PlannedAward:
    participant_id: int
    tier_id: int
    needs_decision: bool = False
    shared: bool = False


@dataclass(frozen=True)
class TieAtCut:
    """People sharing the rank at a tier's last place, more than the places left for them."""

    tier_id: int
    group: tuple[int, ...]
    places: int


@dataclass(frozen=True)
class AwardsPlan:
    awards: list[PlannedAward]
    ties: list[TieAtCut]
    # Active decisions that still fit their tie (applied), by id.
    applied: set[int]


def awards_allocate(
    *,
    ranking: Iterator[tuple[int, int]],
    tiers: list[tuple[int, int]],
    decisions: list[TieDecision],
) -> AwardsPlan:
    """Give prizes down a ranking (participant id, rank), tier by tier (tier id, places): the
    rule written once, for the stored ranking (round_awards_store) and for the independently
    computed one (leaderboard.verification). Reads the ranking only as far as the prizes go.

    A tie at a tier's last place is not cut silently: when the organisers' decision for that
    tier names exactly this group and these places, it is applied (the chosen take the places
    and the others stay in line for the next tier; or everyone shares the prize); otherwise
    everyone sharing that rank gets the tier flagged `needs_decision` (the next tier starts
    after them)."""
    by_tier = {decision.tier_id: decision for decision in decisions}
    waiting: list[tuple[int, int]] = []  # the tied people not chosen: first in line

    def following() -> tuple[int, int] | None:
        if waiting:
            return waiting.pop(0)
        return next(ranking, None)

    pending = following()
    awards: list[PlannedAward] = []
    ties: list[TieAtCut] = []
    applied: set[int] = set()
    for tier_id, count in tiers:
        given: list[tuple[int, int]] = []
        while pending is not None and len(given) < count:
            given.append(pending)
            pending = following()
        if not given:
            break
        last_rank = given[-1][1]
        tied_beyond: list[tuple[int, int]] = []
        while pending is not None and pending[1] == last_rank:
            tied_beyond.append(pending)
            pending = following()
        if not tied_beyond:
            awards += [PlannedAward(participant_id=pid, tier_id=tier_id) for pid, _r in given]
            continue
        at_cut = [row for row in [*given, *tied_beyond] if row[1] == last_rank]
        tie = TieAtCut(
            tier_id=tier_id,
            group=tuple(sorted(pid for pid, _r in at_cut)),
            places=sum(1 for row in given if row[1] == last_rank),
        )
        ties.append(tie)
        awards += [
            PlannedAward(participant_id=pid, tier_id=tier_id)
            for pid, rank in given
            if rank < last_rank
        ]
        decision = by_tier.get(tier_id)
        if decision is None or not tie_decision_fits(decision=decision, tie=tie):
            awards += [
                PlannedAward(participant_id=pid, tier_id=tier_id, needs_decision=True)
                for pid, _r in at_cut
            ]
            continue
        applied.add(decision.pk)
        if decision.outcome == TieDecision.Outcome.SHARE:
            awards += [
                PlannedAward(participant_id=pid, tier_id=tier_id, shared=True) for pid, _r in at_cut
            ]
            continue
        chosen = set(decision.winners)
        awards += [
            PlannedAward(participant_id=pid, tier_id=tier_id) for pid, _r in at_cut if pid in chosen
        ]
        passed_over = [row for row in at_cut if row[0] not in chosen]
        if pending is not None:
            waiting.insert(0, pending)
        waiting[:0] = passed_over
        pending = following()
    return AwardsPlan(awards=awards, ties=ties, applied=applied)


def tie_decision_fits(*, decision: TieDecision, tie: TieAtCut) -> bool:
    return tuple(sorted(decision.group)) == tie.group and decision.places == tie.places


def round_awards_context(
    *, round: Round
) -> tuple[set[int], list[tuple[int, int]], list[TieDecision]]:
    """What the prizes of a round depend on besides its ranking: the people skipped (with the
    per-contest scope, those who won in an earlier round), the tiers, the active decisions."""
    skipped: set[int] = set()
    if round.contest.prize_scope == Contest.PrizeScope.CONTEST:
        skipped = set(
            Award.objects.filter(
                round__contest_id=round.contest_id, round__number__lt=round.number
            ).values_list("participant_id", flat=True)
        )
    tiers = list(PrizeTier.objects.filter(round=round).order_by("order").values_list("id", "count"))
    decisions = list(TieDecision.objects.filter(round=round, status=TieDecision.Status.ACTIVE))
    return skipped, tiers, decisions


def _tie_change_note(*, decision: TieDecision, tie: TieAtCut | None) -> str:
    if tie is None:
        return _("Không còn đồng hạng tại suất cuối của giải này.")
    names = dict(
        Participant.objects.filter(pk__in={*decision.group, *tie.group}).values_list(
            "pk", "full_name"
        )
    )

    def listed(ids) -> str:
        return ", ".join(names.get(pid, str(pid)) for pid in sorted(ids))

    return _(
        "Nhóm đồng hạng đã thay đổi: trước %(before)s (%(places)s suất), "
        "nay %(now)s (%(now_places)s suất)."
    ) % {
        "before": listed(decision.group),
        "places": decision.places,
        "now": listed(tie.group),
        "now_places": tie.places,
    }


def round_awards_store(*, round: Round) -> tuple[int, int]:
    """Give the round's prizes down its stored ranking (call under the round's lock, after the
    ranking is stored; awards_allocate is the rule). Decisions on ties that no longer fit
    their tied group are re-opened, with what changed. Returns (awards, awards needing a
    decision)."""
    skipped, tiers, decisions = round_awards_context(round=round)
    if not tiers:
        return 0, 0
    ranking = (
        RoundResult.objects.filter(round=round)
        .exclude(participant_id__in=skipped)
        .order_by("rank", "participant_id")
        .values_list("participant_id", "rank")
        .iterator(chunk_size=200)
    )
    plan = awards_allocate(ranking=iter(ranking), tiers=tiers, decisions=decisions)
    ties = {tie.tier_id: tie for tie in plan.ties}
    for decision in decisions:
        if decision.pk in plan.applied:
            continue
        decision.status = TieDecision.Status.REOPENED
        decision.reopened_note = _tie_change_note(decision=decision, tie=ties.get(decision.tier_id))
        decision.save(update_fields=["status", "reopened_note"])
        logger.info("round %s: tie decision %s re-opened", round.pk, decision.pk)
    result_ids = dict(
        RoundResult.objects.filter(
            round=round, participant_id__in=[a.participant_id for a in plan.awards]
        ).values_list("participant_id", "id")
    )
    Award.objects.bulk_create(
        Award(
            round=round,
            participant_id=award.participant_id,
            tier_id=award.tier_id,
            result_id=result_ids[award.participant_id],
            needs_decision=award.needs_decision,
            shared=award.shared,
        )
        for award in plan.awards
    )
    return len(plan.awards), sum(1 for award in plan.awards if award.needs_decision)
