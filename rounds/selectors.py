from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Contest, Round

_round_with_contest_plans: dict[str, tuple[str, list]] = {}


def _round_with_contest_plan() -> tuple[str, list]:
    """The query and each column's converters (what the ORM's compiler would apply), built
    once per process and database vendor."""
    plan = _round_with_contest_plans.get(connection.vendor)
    if plan is None:
        quote = connection.ops.quote_name
        columns, converters = [], []
        for alias, model in (("r", Round), ("c", Contest)):
            for field in model._meta.concrete_fields:
                columns.append(f"{alias}.{quote(field.column)}")
                col = field.get_col(model._meta.db_table)
                converters.append(
                    (
                        col,
                        connection.ops.get_db_converters(col) + col.get_db_converters(connection),
                    )
                )
        sql = (
            f"SELECT {', '.join(columns)} FROM {quote(Round._meta.db_table)} r"
            f" JOIN {quote(Contest._meta.db_table)} c ON c.{quote(Contest._meta.pk.column)}"
            f" = r.{quote(Round._meta.get_field('contest').column)}"
            f" WHERE r.{quote(Round._meta.pk.column)} = %s"
        )
        plan = _round_with_contest_plans[connection.vendor] = (sql, converters)
    return plan


def round_with_contest(*, round_id: int) -> Round | None:
    """The round with its contest, in one plain SQL query (None if there is no such round).
    "Vào thi" reads it first, thousands of times a minute at 00h: the ORM's select_related
    compiled the same query each time, two thirds of the read's CPU (bench/)."""
    sql, converters = _round_with_contest_plan()
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, (col, functions) in zip(row, converters, strict=True):
        for function in functions:
            value = function(value, col, connection)
        values.append(value)
    split = len(Round._meta.concrete_fields)
    round = Round.from_db(
        connection.alias, [f.attname for f in Round._meta.concrete_fields], values[:split]
    )
    contest = Contest.from_db(
        connection.alias, [f.attname for f in Contest._meta.concrete_fields], values[split:]
    )
    Round._meta.get_field("contest").set_cached_value(round, contest)
    return round


def contest_current(*, contests: QuerySet[Contest] | None = None) -> Contest | None:
    """The one contest the site shows (home, reports, dashboard, /healthz): the published
    contest the organisers marked current (rounds.services.contest_make_current), or none.
    One query; `contests` lets a caller annotate it with what it shows."""
    return (
        (contests if contests is not None else Contest.objects.all())
        .filter(is_current=True, is_active=True)
        .first()
    )


def contest_chosen(*, slug: str = "", drafts: bool = False) -> Contest | None:
    """The published contest a page asks for (?cuoc_thi=<slug>; a draft too with `drafts`,
    for organisers), else the current one."""
    if slug:
        contests = Contest.objects.all() if drafts else Contest.objects.filter(is_active=True)
        return contests.filter(slug=slug).first()
    return contest_current()


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


def duration_precise_label(*, milliseconds: int | None) -> str:
    """A time taken to the millisecond, as a tie-break needs it: '3 phút 20,125 giây',
    '1 giờ 2 phút 5,000 giây' (a comma before the decimals, as Vietnamese writes them)."""
    if milliseconds is None:
        return "—"
    hours, rest = divmod(max(int(milliseconds), 0), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds = f"{rest // 1000},{rest % 1000:03d}"
    parts = []
    if hours:
        parts.append(ngettext("%(n)d giờ", "%(n)d giờ", hours) % {"n": hours})
    if hours or minutes:
        parts.append(ngettext("%(n)d phút", "%(n)d phút", minutes) % {"n": minutes})
    parts.append(_("%(seconds)s giây") % {"seconds": seconds})
    return " ".join(parts)


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


# --- Health (/healthz): what a load balancer and the operator's monitoring need -------------

# The sweep runs every minute and a round is closed and ranked within a minute of its end;
# past this lag the worker or beat is presumed down (docs/operations.md, "worker failed at 00h").
HEALTH_LAG_ALERT = timedelta(minutes=5)


def contest_round_states(*, contest: Contest, now: datetime) -> list[dict]:
    """For each round of the contest (practice rounds aside): its stored state, the phase the
    clock gives, and whether the lifecycle is behind (the round ended more than
    HEALTH_LAG_ALERT ago and is still not ranked)."""
    return [
        {
            "number": round.number,
            "name": round.name,
            "state": round.state,
            "phase": round.phase_at(now),
            "starts_at": round.starts_at.astimezone(UTC).isoformat(),
            "ends_at": round.ends_at.astimezone(UTC).isoformat(),
            "lagging": round.state in (Round.State.SCHEDULED, Round.State.OPEN, Round.State.CLOSED)
            and now >= round.ends_at + HEALTH_LAG_ALERT,
        }
        for round in contest_rounds(contest=contest)
    ]


def contests_for_reports(*, organiser: bool) -> QuerySet[Contest]:
    """The contests a report page offers to choose from, newest first: every contest for
    organisers (last year's, to compare), the active ones for units and the public."""
    contests = Contest.objects.all() if organiser else Contest.objects.filter(is_active=True)
    return contests.order_by("-created_at", "-pk")


# Read at every login; an organiser's change to the rounds reaches logins within this delay.
SESSIONS_UNTIL_CACHE_TIMEOUT = 300


def contest_sessions_until(*, now: datetime | None = None) -> datetime | None:
    """When the last round of the active contests ends, if still ahead: a participant who
    signs in during a contest stays signed in until then (rounds.sessions), so nobody has to
    log in again at a round's 00h opening. Cached briefly: one query per five minutes."""
    now = now or timezone.now()
    key = "contest-sessions-until:v1"
    until = cache.get(key)
    if until is None:
        last = (
            Round.objects.filter(contest__is_active=True, is_practice=False)
            .order_by("-ends_at")
            .values_list("ends_at", flat=True)
            .first()
        )
        until = last or datetime.min.replace(tzinfo=UTC)
        cache.set(key, until, SESSIONS_UNTIL_CACHE_TIMEOUT)
    return until if until > now else None
