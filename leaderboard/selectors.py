"""Reads of stored rankings and the cached provisional board (nothing here computes a rank)."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import QuerySet

from participants.models import Participant
from rounds.models import PrizeTier, Round

from .models import Award, RoundResult
from .services import provisional_board_cache_key


def rounds_published(*, contest_id: int | None = None) -> QuerySet[Round]:
    rounds = Round.objects.filter(state=Round.State.PUBLISHED, is_practice=False).select_related(
        "contest"
    )
    if contest_id is not None:
        rounds = rounds.filter(contest_id=contest_id)
    return rounds.order_by("-contest__created_at", "contest_id", "number")


def round_results(*, round: Round) -> QuerySet[RoundResult]:
    """The stored ranking of a round, best first, with what a public row shows."""
    return (
        RoundResult.objects.filter(round=round)
        .select_related("participant__user", "participant__unit")
        .order_by("rank", "submitted_at", "id")
    )


@dataclass(frozen=True)
class TierWinners:
    tier: PrizeTier
    awards: list[Award]


def round_winners(*, round: Round) -> list[TierWinners]:
    """The prize winners of a round, tier by tier."""
    awards = list(
        Award.objects.filter(round=round)
        .select_related("tier", "result", "participant__user", "participant__unit")
        .order_by("tier__order", "result__rank", "result_id")
    )
    tiers: dict[int, TierWinners] = {}
    for award in awards:
        tiers.setdefault(award.tier_id, TierWinners(tier=award.tier, awards=[])).awards.append(
            award
        )
    return list(tiers.values())


def participant_round_results(*, participant: Participant) -> dict[int, RoundResult]:
    """The participant's own stored result in every published round: round id → RoundResult
    (its rank and tie-break values). Unpublished rounds are left out."""
    results = RoundResult.objects.filter(
        participant=participant, round__state=Round.State.PUBLISHED
    ).select_related("round")
    return {result.round_id: result for result in results}


@dataclass(frozen=True)
class ProvisionalBoard:
    computed_at: datetime
    rows: list[dict]


def provisional_board(*, round_id: int) -> ProvisionalBoard | None:
    """The provisional board of an open round as the periodic task last stored it, or None."""
    stored = cache.get(provisional_board_cache_key(round_id))
    if stored is None:
        return None
    return ProvisionalBoard(computed_at=stored["computed_at"], rows=stored["rows"])
