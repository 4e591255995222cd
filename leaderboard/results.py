"""Reads of the stored results of rounds: the published rounds, a round's ranking and winners,
the lines of the results announcement, and a person's rank, prize and certificates per round."""

from dataclasses import dataclass

from django.db.models import QuerySet

from content.services import WinnerLine
from quizzes.models import FINISHED_STATES, Attempt
from rounds.models import Disqualification, PrizeTier, Round

from .models import Award, Certificate, RoundResult


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


@dataclass(frozen=True)
class RoundRecognition:
    """What the history page shows for one of a person's rounds: the stored result (rank and
    tie-break values), the prize, the certificates."""

    round_id: int
    result: RoundResult | None
    prize_name: str
    kinds: tuple[str, ...]
    # A prize shared by a decision, or one waiting for the decision on a tie at its cut.
    prize_shared: bool = False
    prize_pending: str = ""


def participant_recognition(*, user_id: int) -> dict[int, RoundRecognition]:
    """For each published round where this account submitted an attempt: its rank, its prize
    and the certificates it may download (round id → RoundRecognition). Four queries."""
    played = set(
        Attempt.objects.filter(
            participant__user_id=user_id,
            state__in=FINISHED_STATES,
            round__state=Round.State.PUBLISHED,
            round__is_practice=False,
        )
        .values_list("round_id", "round__contest_id")
        .distinct()
    )
    if not played:
        return {}
    excluded = set(
        Disqualification.objects.filter(participant__user_id=user_id).values_list(
            "contest_id", flat=True
        )
    )
    results = {
        result.round_id: result
        for result in RoundResult.objects.filter(
            participant__user_id=user_id, round_id__in=[r for r, _c in played]
        ).select_related("round")
    }
    awards = {
        round_id: (name, needs_decision, shared)
        for round_id, name, needs_decision, shared in Award.objects.filter(
            participant__user_id=user_id, round_id__in=[r for r, _c in played]
        ).values_list("round_id", "tier__name", "needs_decision", "shared")
    }
    prizes = {r: award[0] for r, award in awards.items() if not award[1]}
    recognition = {}
    for round_id, contest_id in played:
        kinds: tuple[str, ...] = ()
        if contest_id not in excluded:
            kinds = (Certificate.Kind.PARTICIPATION,)
            if round_id in prizes:
                kinds += (Certificate.Kind.PRIZE,)
        recognition[round_id] = RoundRecognition(
            round_id=round_id,
            result=results.get(round_id),
            prize_name=prizes.get(round_id, "") if contest_id not in excluded else "",
            kinds=kinds,
            prize_shared=awards.get(round_id, ("", False, False))[2],
            prize_pending=(
                awards[round_id][0]
                if round_id in awards and awards[round_id][1] and contest_id not in excluded
                else ""
            ),
        )
    return recognition


def counted_attempts_stored(*, participant_id: int) -> dict[int, int]:
    """The person's counted attempt in each ranked (or published) round, as the stored ranking
    has it (round id → attempt id). One query."""
    return dict(
        RoundResult.objects.filter(
            participant_id=participant_id,
            round__state__in=[Round.State.RANKED, Round.State.PUBLISHED],
        ).values_list("round_id", "attempt_id")
    )


def round_winner_lines(*, round: Round) -> list[WinnerLine]:
    """The round's prize winners as the results announcement lists them (masked names, as on
    the public pages)."""
    awards = (
        Award.objects.filter(round=round)
        .select_related("tier", "result", "participant__user", "participant__unit")
        .order_by("tier__order", "result__rank", "result_id")
    )
    return [
        WinnerLine(
            tier=award.tier.name,
            name=award.participant.public_name,
            unit=award.participant.unit.name
            if award.participant.unit
            else award.participant.locality,
            score=award.result.score,
            duration_ms=award.result.duration_ms,
        )
        for award in awards
    ]
