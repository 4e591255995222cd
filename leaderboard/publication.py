"""What publishing a round's results rests on, and what the public sees of it:

- the canonical results file (CSV, one row per ranked person) and its SHA-256 digest, printed
  on the results page and on every certificate of the round (`verify_round --digest`);
- the rules that refuse a publication (results that do not verify, an open tie at a cut);
- the organisers' tie decisions (recorded here, applied by ranking.awards_allocate);
- the public log of publications and corrections ("Nhật ký công bố").

The flows that lock the round and publish are operations.pipeline's."""

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log_record
from participants.models import Participant, User
from participants.phones import mask_phone
from rounds.models import PrizeTier, Round
from rounds.services import round_lock

from .models import Award, PublicationEvent, RoundResult, TieDecision
from .ranking import round_awards_store
from .verification import round_verify

DIGEST_CACHE_TIMEOUT = 5 * 60
# Rank-only moves a correction lists before the rest are folded away: one person out of a
# round of 2,000 moves everyone below, and the admin's preview ran to 87,000 pixels.
CORRECTION_RANK_ONLY_LISTED = 20
CSV_HEADER = (
    "rank",
    "masked_id",
    "score",
    "prediction_distance",
    "duration_ms",
    "submitted_at_utc",
    "prize",
)


def _prize_label(award: tuple[str, bool, bool] | None) -> str:
    if award is None:
        return ""
    name, needs_decision, shared = award
    if needs_decision:
        return f"{name} (đồng hạng, chờ quyết định)"
    if shared:
        return f"{name} (đồng giải)"
    return name


def round_results_csv(*, round: Round) -> bytes:
    """The canonical results file of a round: UTF-8, LF line ends, one row per ranked person
    in ranking order (rank, then participant id), times in UTC to the microsecond. Built
    from the stored rows every time: any changed row changes the file and its digest."""
    awards = {
        participant_id: (name, needs_decision, shared)
        for participant_id, name, needs_decision, shared in Award.objects.filter(
            round=round
        ).values_list("participant_id", "tier__name", "needs_decision", "shared")
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    rows = (
        RoundResult.objects.filter(round=round)
        .order_by("rank", "participant_id")
        .values_list(
            "rank",
            "participant_id",
            "participant__user__phone",
            "score",
            "prediction_error",
            "duration_ms",
            "submitted_at",
        )
    )
    for rank, participant_id, phone, score, error, duration_ms, submitted_at in rows.iterator(
        chunk_size=5000
    ):
        writer.writerow(
            (
                rank,
                mask_phone(phone),
                score,
                "" if error is None else error,
                duration_ms,
                submitted_at.astimezone(UTC).isoformat(timespec="microseconds"),
                _prize_label(awards.get(participant_id)),
            )
        )
    return buffer.getvalue().encode()


def results_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class PublishedFile:
    content: bytes
    digest: str


def round_results_file(*, round: Round) -> PublishedFile:
    """The results file and its digest as the page and the download serve them: built once
    per ranking and cached a few minutes, so the page and the file agree."""
    key = f"results-file:v1:{round.pk}:{round.ranked_at and round.ranked_at.isoformat()}"
    stored = cache.get(key)
    if stored is None:
        content = round_results_csv(round=round)
        stored = PublishedFile(content=content, digest=results_digest(content))
        cache.set(key, stored, DIGEST_CACHE_TIMEOUT)
    return stored


def round_results_file_forget(*, round: Round) -> None:
    cache.delete(f"results-file:v1:{round.pk}:{round.ranked_at and round.ranked_at.isoformat()}")


# Ties at a cut.


@dataclass(frozen=True)
class OpenTie:
    tier: PrizeTier
    people: list[Participant]
    places: int


def round_open_ties(*, round: Round) -> list[OpenTie]:
    """The ties at a prize cut that wait for the organisers' decision, tier by tier: the tied
    people and the places of the tier left for them."""
    awards = list(
        Award.objects.filter(round=round)
        .select_related("tier", "participant__user")
        .order_by("tier__order", "participant_id")
    )
    ties: dict[int, OpenTie] = {}
    for award in awards:
        if award.needs_decision:
            tie = ties.setdefault(
                award.tier_id, OpenTie(tier=award.tier, people=[], places=award.tier.count)
            )
            tie.people.append(award.participant)
    taken = {tier_id: 0 for tier_id in ties}
    for award in awards:
        if award.tier_id in ties and not award.needs_decision:
            taken[award.tier_id] += 1
    return [
        OpenTie(tier=tie.tier, people=tie.people, places=tie.tier.count - taken[tier_id])
        for tier_id, tie in ties.items()
    ]


class TieDecisionError(ValueError):
    """A decision that does not fit the open tie; the message is for organisers."""


def tie_decision_record(
    *,
    round: Round,
    tier_id: int,
    outcome: str,
    winner_ids: list[int],
    reason: str,
    actor: User | None,
) -> TieDecision:
    """Record the organisers' decision on the open tie of a tier, under the round's lock, and
    give the prizes again with it. Choosing: exactly as many of the tied people as the tier
    has places left; sharing: everyone tied shares the prize. Logged."""
    reason = reason.strip()
    if not reason:
        raise TieDecisionError(_("Cần ghi rõ lý do của quyết định."))
    with transaction.atomic():
        round = round_lock(round_id=round.pk)
        return _tie_decision_record_locked(
            round=round,
            tier_id=tier_id,
            outcome=outcome,
            winner_ids=winner_ids,
            reason=reason,
            actor=actor,
        )


def _tie_decision_record_locked(
    *,
    round: Round,
    tier_id: int,
    outcome: str,
    winner_ids: list[int],
    reason: str,
    actor: User | None,
) -> TieDecision:
    tie = next((t for t in round_open_ties(round=round) if t.tier.pk == tier_id), None)
    if tie is None:
        raise TieDecisionError(_("Giải này không có đồng hạng nào đang chờ quyết định."))
    group = sorted(person.pk for person in tie.people)
    winners = sorted(set(winner_ids))
    if outcome == TieDecision.Outcome.CHOOSE:
        if not set(winners) <= set(group) or len(winners) != tie.places:
            raise TieDecisionError(
                _("Cần chọn đúng %(n)s người trong nhóm đồng hạng.") % {"n": tie.places}
            )
    elif outcome == TieDecision.Outcome.SHARE:
        winners = []
    else:
        raise TieDecisionError(_("Quyết định không hợp lệ."))
    TieDecision.objects.filter(
        round=round, tier_id=tier_id, status=TieDecision.Status.ACTIVE
    ).update(status=TieDecision.Status.REOPENED)
    decision = TieDecision.objects.create(
        round=round,
        tier_id=tier_id,
        group=group,
        places=tie.places,
        outcome=outcome,
        winners=winners,
        reason=reason,
        decided_by=actor,
    )
    Award.objects.filter(round=round).delete()
    round_awards_store(round=round)
    round_results_file_forget(round=round)
    audit_log_record(
        actor=actor,
        action="tie_decision",
        target=round,
        tier=tie.tier.name,
        outcome=outcome,
        group=group,
        winners=winners,
        reason=reason,
    )
    return decision


def open_ties_share(*, round: Round, reason: str, actor: User | None) -> int:
    """Decide every open tie of the round as a shared prize (the organisers' explicit choice
    when publishing). Returns how many ties were decided."""
    ties = round_open_ties(round=round)
    for tie in ties:
        tie_decision_record(
            round=round,
            tier_id=tie.tier.pk,
            outcome=TieDecision.Outcome.SHARE,
            winner_ids=[],
            reason=reason,
            actor=actor,
        )
    return len(ties)


def round_publication_refusals(*, round: Round) -> list[str]:
    """Why the round's results cannot be published now (empty: they can): results that do
    not match the independent recomputation, ties at a cut still open."""
    refusals = []
    verification = round_verify(round=round)
    if not verification.ok:
        refusals.append(
            _(
                "%(name)s: kết quả lưu không khớp với phép tính lại độc lập (%(n)s điểm khác); "
                "hãy xếp hạng lại và kiểm tra (manage.py verify_round %(id)s)."
            )
            % {"name": round.name, "n": len(verification.differences), "id": round.pk}
        )
    ties = round_open_ties(round=round)
    if ties:
        refusals.append(
            _(
                "%(name)s: còn đồng hạng tại suất cuối chưa được quyết định (%(tiers)s). "
                "Hãy ghi quyết định, hoặc công bố là đồng giải."
            )
            % {"name": round.name, "tiers": ", ".join(tie.tier.name for tie in ties)}
        )
    return refusals


# The public log.


def publication_event_record(
    *,
    round: Round,
    kind: str,
    actor: User | None,
    reason: str = "",
    changes: list[dict] | None = None,
    now: datetime | None = None,
) -> PublicationEvent:
    """Add an entry to the round's public log, with the digest of the results then."""
    round_results_file_forget(round=round)
    return PublicationEvent.objects.create(
        round=round,
        kind=kind,
        at=now or timezone.now(),
        reason=reason,
        changes=changes or [],
        digest=results_digest(round_results_csv(round=round)),
        actor=actor,
    )


def round_publication_log(*, round: Round) -> list[PublicationEvent]:
    return list(PublicationEvent.objects.filter(round=round).order_by("at", "id"))


def round_was_published(*, round: Round) -> bool:
    return PublicationEvent.objects.filter(round=round, kind=PublicationEvent.Kind.PUBLISH).exists()


def round_publication_event_after_publish(*, round: Round, actor: User | None) -> None:
    """The log entry of a publication: the first one, or a re-publication."""
    kind = (
        PublicationEvent.Kind.REPUBLISH
        if round_was_published(round=round)
        else PublicationEvent.Kind.PUBLISH
    )
    with transaction.atomic():
        publication_event_record(round=round, kind=kind, actor=actor)


# Corrections of published results.

Standing = tuple[int, str]  # rank, prize label


def round_standings(*, round: Round) -> dict[int, Standing]:
    """Every ranked person's rank and prize label in the round (participant id → standing)."""
    awards = {
        participant_id: (name, needs_decision, shared)
        for participant_id, name, needs_decision, shared in Award.objects.filter(
            round=round
        ).values_list("participant_id", "tier__name", "needs_decision", "shared")
    }
    return {
        participant_id: (rank, _prize_label(awards.get(participant_id)))
        for participant_id, rank in RoundResult.objects.filter(round=round).values_list(
            "participant_id", "rank"
        )
    }


def standings_moves(*, before: dict[int, Standing], after: dict[int, Standing]) -> list[dict]:
    """Who moved and how, as the public notice lists them (masked names): rank and prize
    before and after, best new rank first; people leaving the ranking have no rank after."""
    changed = sorted(
        (pid for pid in before.keys() | after.keys() if before.get(pid) != after.get(pid)),
        key=lambda pid: (after.get(pid, (10**9, ""))[0], before.get(pid, (10**9, ""))[0], pid),
    )
    people = Participant.objects.select_related("user").in_bulk(changed)
    return [
        {
            "name": people[pid].public_name if pid in people else str(pid),
            "rank_before": before.get(pid, (None, ""))[0],
            "rank_after": after.get(pid, (None, ""))[0],
            "prize_before": before.get(pid, (None, ""))[1],
            "prize_after": after.get(pid, (None, ""))[1],
        }
        for pid in changed
    ]


@dataclass(frozen=True)
class CorrectionRows:
    rows: list[dict]  # every prize change, everyone entering or leaving the ranking, then the
    # first rank-only moves (in ranking order)
    rest: list[dict]  # the other rank-only moves

    @property
    def more(self) -> int:
        return len(self.rest)


def correction_rows(
    *, moves: list[dict], rank_only_listed: int = CORRECTION_RANK_ONLY_LISTED
) -> CorrectionRows:
    """How a correction's moves are shown, on the admin's preview and on the public notice:
    what decides a prize or a place in the ranking first, the long tail of people who only move
    a place apart (the preview counts it, the public notice folds it under a summary)."""
    rows, rest, rank_only = [], [], 0
    for move in moves:
        decisive = (
            move["prize_before"] != move["prize_after"]
            or move["rank_before"] is None
            or move["rank_after"] is None
        )
        if decisive:
            rows.append(move)
        elif rank_only < rank_only_listed:
            rows.append(move)
            rank_only += 1
        else:
            rest.append(move)
    return CorrectionRows(rows=rows, rest=rest)
