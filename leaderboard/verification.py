"""Checking a round's stored results against an independent recomputation: the raw attempts
read through the ORM, ranked in plain Python (quizzes.ranking_policy.ranking_compute, no SQL
window function), prizes given down that ranking (ranking.awards_allocate), then compared row
by row with the stored RoundResult and Award rows and the round's stored prediction answer.

Run by `manage.py verify_round`, as the last step of every ranking (operations.pipeline) and
before publishing: a round that does not verify is not published."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from quizzes.ranking_policy import RankedRow, ranking_compute, round_candidates
from rounds.models import Round

from .models import Award, RoundResult
from .ranking import awards_allocate, round_awards_context

RESULT_FIELDS = (
    "attempt_id",
    "score",
    "prediction",
    "prediction_error",
    "duration_ms",
    "submitted_at",
    "rank",
)


@dataclass
class RoundVerification:
    round_id: int
    results: int
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _row_text(values: dict | None) -> str:
    if values is None:
        return "—"
    return ", ".join(f"{name}={values[name]}" for name in RESULT_FIELDS)


def round_verify(*, round: Round) -> RoundVerification:
    """Recompute the round's ranking and prizes independently and list every difference from
    what is stored (an empty list: the stored results are right)."""
    round = Round.objects.select_related("contest").get(pk=round.pk)
    computed = ranking_compute(
        attempts=round_candidates(round_id=round.pk, contest_id=round.contest_id),
        counted_attempt=round.contest.counted_attempt,
    )
    verification = RoundVerification(round_id=round.pk, results=len(computed.rows))
    differences = verification.differences
    if round.prediction_actual != computed.prediction_actual:
        differences.append(
            _("Đáp án câu dự đoán: lưu %(stored)s, tính lại %(computed)s.")
            % {"stored": round.prediction_actual, "computed": computed.prediction_actual}
        )
    expected = {
        row.participant_id: {name: getattr(row, name) for name in RESULT_FIELDS}
        for row in computed.rows
    }
    stored = {
        values["participant_id"]: values
        for values in RoundResult.objects.filter(round=round).values(
            "participant_id", *RESULT_FIELDS
        )
    }
    for participant_id in sorted(expected.keys() | stored.keys()):
        want, have = expected.get(participant_id), stored.get(participant_id)
        if have is not None:
            have = {name: have[name] for name in RESULT_FIELDS}
        if want != have:
            differences.append(
                _("Người dự thi %(id)s: lưu [%(stored)s], tính lại [%(computed)s].")
                % {"id": participant_id, "stored": _row_text(have), "computed": _row_text(want)}
            )
    differences += _awards_differences(round=round, rows=computed.rows)
    return verification


def _awards_differences(*, round: Round, rows: list[RankedRow]) -> list[str]:
    skipped, tiers, decisions = round_awards_context(round=round)
    ranking = sorted(
        ((row.participant_id, row.rank) for row in rows if row.participant_id not in skipped),
        key=lambda pair: (pair[1], pair[0]),
    )
    plan = awards_allocate(ranking=iter(ranking), tiers=tiers, decisions=decisions)
    expected = {
        award.participant_id: (award.tier_id, award.needs_decision, award.shared)
        for award in plan.awards
    }
    stored = {
        participant_id: (tier_id, needs_decision, shared)
        for participant_id, tier_id, needs_decision, shared in Award.objects.filter(
            round=round
        ).values_list("participant_id", "tier_id", "needs_decision", "shared")
    }
    return [
        _("Giải của người dự thi %(id)s: lưu %(stored)s, tính lại %(computed)s.")
        % {
            "id": participant_id,
            "stored": stored.get(participant_id, "—"),
            "computed": expected.get(participant_id, "—"),
        }
        for participant_id in sorted(expected.keys() | stored.keys())
        if expected.get(participant_id) != stored.get(participant_id)
    ]
