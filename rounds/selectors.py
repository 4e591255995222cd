from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Contest, Round


def contest_current(*, now: datetime | None = None) -> Contest | None:
    """The contest the home page shows: an active one with a round open now, else the newest
    active one."""
    now = now or timezone.now()
    active = Contest.objects.filter(is_active=True)
    open_now = active.filter(
        rounds__starts_at__lte=now,
        rounds__ends_at__gt=now,
        rounds__is_practice=False,
        rounds__state__in=[Round.State.SCHEDULED, Round.State.OPEN],
    )
    return open_now.order_by("-created_at").first() or active.order_by("-created_at").first()


def contest_rounds(*, contest: Contest) -> QuerySet[Round]:
    return contest.rounds.filter(is_practice=False).order_by("number")


def duration_label(*, seconds: float) -> str:
    """'3 ngày 6 giờ', '4 giờ 12 phút', '45 giây': the two largest units, in words.
    (Django's Vietnamese catalogue has no timesince strings.)"""
    seconds = max(int(seconds), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        (days, ngettext("%(n)d ngày", "%(n)d ngày", days)),
        (hours, ngettext("%(n)d giờ", "%(n)d giờ", hours)),
        (minutes, ngettext("%(n)d phút", "%(n)d phút", minutes)),
        (secs, ngettext("%(n)d giây", "%(n)d giây", secs)),
    ]
    shown = [template % {"n": value} for value, template in parts if value][:2]
    return " ".join(shown) or ngettext("%(n)d giây", "%(n)d giây", 0) % {"n": 0}


def round_timing_label(*, round: Round, now: datetime | None = None) -> str:
    """'Mở sau 2 ngày, 3 giờ', 'Đóng sau 4 giờ', 'Đã đóng 3 ngày trước'."""
    now = now or timezone.now()
    if now < round.starts_at:
        delta = (round.starts_at - now).total_seconds()
        return _("Mở sau %(delta)s") % {"delta": duration_label(seconds=delta)}
    if round.is_open_at(now):
        delta = (round.ends_at - now).total_seconds()
        return _("Đóng sau %(delta)s") % {"delta": duration_label(seconds=delta)}
    delta = (now - min(round.ends_at, now)).total_seconds()
    return _("Đã đóng %(delta)s trước") % {"delta": duration_label(seconds=delta)}


def rounds_due_for_closing(*, now: datetime | None = None) -> QuerySet[Round]:
    """Rounds whose window has ended but are still marked scheduled or open."""
    now = now or timezone.now()
    return Round.objects.filter(
        state__in=[Round.State.SCHEDULED, Round.State.OPEN], ends_at__lte=now
    ).order_by("ends_at", "id")


def rounds_due_for_ranking(*, now: datetime | None = None) -> list[Round]:
    """Rounds (not practice) whose window has ended, not yet ranked, and whose last attempt can
    no longer be saved (`ends_at + grace` has passed)."""
    now = now or timezone.now()
    candidates = (
        Round.objects.filter(
            is_practice=False,
            state__in=[Round.State.SCHEDULED, Round.State.OPEN, Round.State.CLOSED],
            ends_at__lte=now,
        )
        .select_related("contest")
        .order_by("ends_at", "id")
    )
    return [round for round in candidates if round.ends_at + round.contest.grace <= now]


def round_grace_ends_next(*, now: datetime | None = None) -> datetime | None:
    """The earliest moment a closed round's grace ends, for rounds still in their grace."""
    now = now or timezone.now()
    ends = [
        round.ends_at + round.contest.grace
        for round in Round.objects.filter(
            state=Round.State.CLOSED, is_practice=False, ends_at__lte=now
        ).select_related("contest")
    ]
    return min((moment for moment in ends if moment > now), default=None)


# The sweep (rounds.tasks) records when it last ran here; /healthz reports it.
LAST_SWEEP_CACHE_KEY = "rounds:last-sweep-at"


def round_countdown(*, round: Round, now: datetime | None = None) -> dict | None:
    """What the home page counts down to: the opening of a scheduled round or the closing of
    an open one, in whole seconds from the server's clock (the browser only displays it)."""
    now = now or timezone.now()
    phase = round.phase_at(now)
    if phase == Round.State.SCHEDULED:
        target, label = round.starts_at, _("Mở sau")
    elif phase == Round.State.OPEN:
        target, label = round.ends_at, _("Đóng sau")
    else:
        return None
    return {"seconds": int((target - now).total_seconds()), "label": label}
