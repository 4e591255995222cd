"""The round lifecycle: scheduled → open → closed → ranked → published. Every state change of
a round is written here, and only here.

Every transition locks the Round row (`select_for_update`), so two workers, or a worker and an
organiser, never both move the same round. Computing the ranking is leaderboard's; the flow
that closes, finalises, ranks and marks a round ranked is operations.pipeline.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_log_record
from participants.models import Participant, User

from .models import DEFAULT_PRIZE_TIERS, Contest, Disqualification, PrizeTier, Round


class RoundStateError(Exception):
    """A transition that the round's state does not allow; the message is for organisers."""


class ContestStateError(Exception):
    """A change of a contest's visibility that is refused; the message is for organisers."""


def contest_publish(*, contest_id: int, actor: User | None) -> Contest:
    """End a contest's draft: participants can take its open rounds; it may become current."""
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest_id)
        if not contest.is_active:
            contest.is_active = True
            contest.save(update_fields=["is_active"])
            audit_log_record(actor=actor, action="contest_publish", target=contest)
    return contest


def contest_unpublish(*, contest_id: int, actor: User | None) -> Contest:
    """Take a contest back to draft; refused for the current contest (choose another first)."""
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest_id)
        if contest.is_current:
            raise ContestStateError(
                _("“%(name)s” đang là cuộc thi hiện tại; hãy chọn cuộc thi hiện tại khác trước.")
                % {"name": contest.name}
            )
        if contest.is_active:
            contest.is_active = False
            contest.save(update_fields=["is_active"])
            audit_log_record(actor=actor, action="contest_unpublish", target=contest)
    return contest


def contest_make_current(*, contest_id: int, actor: User | None) -> Contest:
    """Make a published contest the one the site shows (the previous current one stays
    published, no longer shown on the home page)."""
    with transaction.atomic():
        # Every contest row that may change is locked, in primary-key order.
        current = list(
            Contest.objects.select_for_update()
            .filter(Q(is_current=True) | Q(pk=contest_id))
            .order_by("pk")
        )
        contest = next(c for c in current if c.pk == contest_id)
        if not contest.is_active:
            raise ContestStateError(
                _("Cuộc thi “%(name)s” còn là bản nháp; hãy công bố trước.")
                % {"name": contest.name}
            )
        if contest.is_current:
            return contest
        Contest.objects.filter(is_current=True).update(is_current=False)
        contest.is_current = True
        contest.save(update_fields=["is_current"])
        audit_log_record(actor=actor, action="contest_make_current", target=contest)
    return contest


# What decides a round's results: with the prize tiers, they cannot change once published.
RESULT_FIELDS = frozenset({"contest", "number", "starts_at", "ends_at", "is_practice"})


def round_edit_check(*, round: Round, changed: Iterable[str], prize_tiers_changed: bool) -> None:
    """Refuse an edit of a published round that would change its results (its window, its
    prize tiers): the organiser unpublishes first, which is audited, and publishes again."""
    if round.pk is None or round.state != Round.State.PUBLISHED:
        return
    if prize_tiers_changed or RESULT_FIELDS.intersection(changed):
        raise RoundStateError(
            _(
                "“%(name)s” đã công bố kết quả: không sửa được thời gian, cơ cấu giải hay quy "
                "tắc rút câu hỏi. Hãy hủy công bố kết quả trước (thao tác được ghi nhật ký)."
            )
            % {"name": round.name}
        )


def round_is_live(*, round: Round, now: datetime | None = None) -> bool:
    """A round people are taking now: what it draws must not change without a confirmation."""
    return round.pk is not None and round.phase_at(now or timezone.now()) == Round.State.OPEN


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


# --- season set-up ---------------------------------------------------------------------------

# The directive's window: Monday 00:00 → Friday 00:00 (Asia/Ho_Chi_Minh), one round a week.
SEASON_DAYS_OPEN = 4
SEASON_EVERY_DAYS = 7


def round_overlap_check(
    *, contest_id: int, starts_at: datetime, ends_at: datetime, exclude_id: int | None = None
) -> None:
    """Refuse an official round whose window overlaps another official round of the contest
    (a person would be in two rounds at once; the rules judge each round on its own). Inside
    a transaction (the admin's save, the season set-up) the contest's row is locked first, so
    two organisers saving rounds of one contest at once are checked one after the other."""
    if transaction.get_connection().in_atomic_block:
        Contest.objects.select_for_update().filter(pk=contest_id).first()
    clash = (
        Round.objects.filter(
            contest_id=contest_id, is_practice=False, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .exclude(pk=exclude_id)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise RoundStateError(
            _("Thời gian đợt thi trùng với “%(name)s” (%(starts)s → %(ends)s).")
            % {
                "name": clash.name,
                "starts": _local_label(clash.starts_at),
                "ends": _local_label(clash.ends_at),
            }
        )


def _local_label(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def round_window_warnings(*, starts_at: datetime, ends_at: datetime) -> list[str]:
    """What an organiser should look at twice: a window that does not start or end at 00:00
    local time (the directive's rounds run 00h → 00h)."""
    warnings = []
    for label, moment in ((_("bắt đầu"), starts_at), (_("kết thúc"), ends_at)):
        local = timezone.localtime(moment)
        if (local.hour, local.minute, local.second) != (0, 0, 0):
            warnings.append(
                _("Thời điểm %(which)s %(moment)s không phải 00:00 (giờ Việt Nam).")
                % {"which": label, "moment": _local_label(moment)}
            )
    return warnings


def season_windows(
    *,
    first_day: date,
    count: int,
    days_open: int = SEASON_DAYS_OPEN,
    every_days: int = SEASON_EVERY_DAYS,
) -> list[tuple[datetime, datetime]]:
    """The windows of `count` rounds: 00:00 local of `first_day`, for `days_open` days, one
    round every `every_days` days."""
    zone = timezone.get_current_timezone()
    windows = []
    for index in range(count):
        start_day = first_day + timedelta(days=index * every_days)
        starts = datetime.combine(start_day, time(0, 0), tzinfo=zone)
        ends = datetime.combine(start_day + timedelta(days=days_open), time(0, 0), tzinfo=zone)
        windows.append((starts, ends))
    return windows


def contest_copy(*, source: Contest, name: str, slug: str, actor: User | None) -> Contest:
    """A new draft contest with the rules and settings of `source` (not its rounds)."""
    copied = Contest.objects.get(pk=source.pk)
    copied.pk = None
    copied.name, copied.slug = name, slug
    copied.is_active = copied.is_current = False
    copied.save(force_insert=True)
    audit_log_record(actor=actor, action="contest_copy", target=copied, source_id=source.pk)
    return copied


def season_rounds_create(
    *,
    contest: Contest,
    first_day: date,
    count: int,
    days_open: int = SEASON_DAYS_OPEN,
    every_days: int = SEASON_EVERY_DAYS,
    prize_tiers_from: Round | None = None,
    actor: User | None,
) -> list[Round]:
    """Create `count` official rounds of the directive's windows after the contest's last
    round, each with the prize tiers of `prize_tiers_from` (or the defaults). Refuses the
    whole season when one window overlaps a round of the contest."""
    if not 1 <= count <= 52:
        raise RoundStateError(_("Số đợt thi phải từ 1 đến 52."))
    if not 1 <= days_open <= every_days:
        raise RoundStateError(_("Số ngày mở mỗi đợt phải từ 1 đến số ngày giữa hai đợt."))
    with transaction.atomic():
        Contest.objects.select_for_update().get(pk=contest.pk)  # one season set-up at a time
        windows = season_windows(
            first_day=first_day, count=count, days_open=days_open, every_days=every_days
        )
        for starts, ends in windows:
            round_overlap_check(contest_id=contest.pk, starts_at=starts, ends_at=ends)
        last = Round.objects.filter(contest=contest).aggregate(n=Max("number"))["n"] or 0
        if prize_tiers_from is not None:
            tiers = [
                (t.order, t.name, t.count, t.value) for t in prize_tiers_from.prize_tiers.all()
            ]
        else:
            tiers = [(order, str(name), n, "") for order, name, n in DEFAULT_PRIZE_TIERS]
        rounds = []
        for offset, (starts, ends) in enumerate(windows, start=1):
            round = Round.objects.create(
                contest=contest,
                number=last + offset,
                name=_("Đợt %(n)d") % {"n": last + offset},
                starts_at=starts,
                ends_at=ends,
            )
            PrizeTier.objects.bulk_create(
                PrizeTier(round=round, order=order, name=name, count=n, value=value)
                for order, name, n, value in tiers
            )
            rounds.append(round)
        audit_log_record(
            actor=actor,
            action="season_create",
            target=contest,
            rounds=[round.pk for round in rounds],
            first_day=first_day.isoformat(),
        )
    return rounds


def contest_draft_create(*, name: str, slug: str, actor: User | None) -> Contest:
    """A new contest with the default rules, as a draft."""
    contest = Contest.objects.create(name=name, slug=slug, is_active=False)
    audit_log_record(actor=actor, action="contest_create", target=contest)
    return contest
