"""The round lifecycle: scheduled → open → closed → ranked → published. Every state change of
a round is written here, and only here.

Every transition locks the Round row (`select_for_update`), so two workers, or a worker and an
organiser, never both move the same round. Computing the ranking is leaderboard's; the flow
that closes, finalises, ranks and marks a round ranked is operations.pipeline.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log_record
from participants.models import Participant, User

from .models import Contest, Disqualification, Round


class RoundStateError(Exception):
    """A transition that the round's state does not allow; the message is for organisers."""


def round_lock(*, round_id: int) -> Round:
    """Lock the round's row for the rest of the transaction (a no-op lock on SQLite, where the
    database serialises writers anyway)."""
    return Round.objects.select_for_update().select_related("contest").get(pk=round_id)


def rounds_open_started(*, now: datetime | None = None) -> int:
    """Mark `open` the scheduled rounds whose window has started (display only: the window
    check on every request does not depend on it)."""
    now = now or timezone.now()
    return Round.objects.filter(
        state=Round.State.SCHEDULED, starts_at__lte=now, ends_at__gt=now
    ).update(state=Round.State.OPEN)


def round_close(
    *, round_id: int, now: datetime | None = None, force: bool = False, actor: User | None = None
) -> Round:
    """Close a round whose window has ended; idempotent. With `force` (an organiser's "close
    now"), the window is cut short: `ends_at` becomes now."""
    now = now or timezone.now()
    with transaction.atomic():
        round = round_lock(round_id=round_id)
        if round.state not in (Round.State.SCHEDULED, Round.State.OPEN):
            return round
        if now < round.ends_at:
            if not force:
                return round
            if now <= round.starts_at:
                raise RoundStateError(_("Đợt thi chưa bắt đầu, không thể đóng."))
            round.ends_at = now
        round.state = Round.State.CLOSED
        round.closed_at = now
        round.save(update_fields=["state", "ends_at", "closed_at"])
        if actor is not None:
            audit_log_record(actor=actor, action="round_close", target=round, ends_at=str(now))
    return round


def round_rank_allowed(*, round: Round, now: datetime) -> None:
    """Refuse to rank a practice round, or a round whose last save can still arrive (before
    `ends_at + grace`)."""
    if round.is_practice:
        raise RoundStateError(_("Đợt thi thử không xếp hạng."))
    if now < round.ends_at + round.contest.grace:
        raise RoundStateError(_("Đợt thi chưa kết thúc, chưa thể xếp hạng."))


def round_mark_ranked(*, round: Round, prediction_actual: int, now: datetime) -> Round:
    """Record that the round's ranking was stored (call under the round's lock, in the
    ranking's transaction): `ranked`, with the prediction's actual value; a published round
    stays published (its ranking was corrected)."""
    round.prediction_actual = prediction_actual
    round.ranked_at = now
    if round.closed_at is None:
        round.closed_at = now
    if round.state != Round.State.PUBLISHED:
        round.state = Round.State.RANKED
    round.save(update_fields=["prediction_actual", "ranked_at", "closed_at", "state"])
    return round


def round_publish(*, round_id: int, actor: User | None, now: datetime | None = None) -> Round:
    """Make a ranked round's results public."""
    now = now or timezone.now()
    with transaction.atomic():
        round = round_lock(round_id=round_id)
        if round.state == Round.State.PUBLISHED:
            return round
        if round.state != Round.State.RANKED:
            raise RoundStateError(
                _("Chỉ công bố được kết quả của đợt thi đã xếp hạng (%(name)s).")
                % {"name": round.name}
            )
        round.state = Round.State.PUBLISHED
        round.published_at = now
        round.save(update_fields=["state", "published_at"])
        audit_log_record(actor=actor, action="round_publish", target=round)
    return round


def round_unpublish(*, round_id: int, actor: User | None) -> Round:
    """Take a round's results off the public pages (they stay ranked)."""
    with transaction.atomic():
        round = round_lock(round_id=round_id)
        if round.state != Round.State.PUBLISHED:
            return round
        round.state = Round.State.RANKED
        round.published_at = None
        round.save(update_fields=["state", "published_at"])
        audit_log_record(actor=actor, action="round_unpublish", target=round)
    return round


def disqualification_create(
    *, contest: Contest, participant: Participant, reason: str, actor: User | None
) -> tuple[Disqualification, list[int]]:
    """Exclude a person from a contest's ranking, with the reason. Returns the decision and the
    ids of the rounds already ranked, which must be ranked again. Idempotent per person and
    contest (the unique constraint): a second decision keeps the first one."""
    reason = reason.strip()
    if not reason:
        raise ValueError(_("Cần ghi rõ lý do loại khỏi cuộc thi."))
    with transaction.atomic():
        disqualification, created = Disqualification.objects.get_or_create(
            contest=contest,
            participant=participant,
            defaults={"reason": reason, "decided_by": actor},
        )
        if created:
            audit_log_record(
                actor=actor,
                action="participant_disqualify",
                target=participant,
                contest_id=contest.pk,
                reason=reason,
            )
    return disqualification, rounds_ranked_ids(contest_id=contest.pk)


def participants_disqualify(
    *, contest: Contest, participants: Iterable[Participant], reason: str, actor: User | None
) -> list[int]:
    """Exclude several people from a contest's ranking with one reason, in one transaction
    (each decision logged). Returns the ids of the ranked rounds to rank again."""
    with transaction.atomic():
        for participant in participants:
            disqualification_create(
                contest=contest, participant=participant, reason=reason, actor=actor
            )
    return rounds_ranked_ids(contest_id=contest.pk)


def disqualification_change(*, disqualification: Disqualification, actor: User | None) -> list[int]:
    """Save an organiser's correction of a decision (its reason, person or contest), logged.
    Returns the ranked rounds to rank again: those of the old and the new contest when the
    person or the contest changed, none for a corrected reason."""
    disqualification.reason = disqualification.reason.strip()
    if not disqualification.reason:
        raise ValueError(_("Cần ghi rõ lý do loại khỏi cuộc thi."))
    with transaction.atomic():
        before = Disqualification.objects.select_for_update().get(pk=disqualification.pk)
        disqualification.save()
        audit_log_record(
            actor=actor,
            action="disqualification_change",
            target=disqualification.participant,
            contest_id=disqualification.contest_id,
            reason=disqualification.reason,
        )
    moved = (before.contest_id, before.participant_id) != (
        disqualification.contest_id,
        disqualification.participant_id,
    )
    if not moved:
        return []
    return sorted(
        {
            *rounds_ranked_ids(contest_id=before.contest_id),
            *rounds_ranked_ids(contest_id=disqualification.contest_id),
        }
    )


def disqualification_delete(*, disqualification: Disqualification, actor: User | None) -> list[int]:
    """Lift a decision (logged). Returns the ids of the ranked rounds to rank again."""
    with transaction.atomic():
        audit_log_record(
            actor=actor,
            action="disqualification_delete",
            target=disqualification.participant,
            contest_id=disqualification.contest_id,
            reason=disqualification.reason,
        )
        disqualification.delete()
    return rounds_ranked_ids(contest_id=disqualification.contest_id)


def rounds_ranked_ids(*, contest_id: int) -> list[int]:
    """The contest's rounds that have a stored ranking (to rank again after a decision)."""
    return list(
        Round.objects.filter(
            contest_id=contest_id,
            is_practice=False,
            state__in=[Round.State.RANKED, Round.State.PUBLISHED],
        )
        .order_by("number")
        .values_list("id", flat=True)
    )


def rounds_published_ids(*, contest_id: int) -> list[int]:
    """The contest's rounds whose results are public (a change to them is a correction)."""
    return list(
        Round.objects.filter(contest_id=contest_id, is_practice=False, state=Round.State.PUBLISHED)
        .order_by("number")
        .values_list("id", flat=True)
    )
