"""The stored participation statistics of units: recomputed off the request path (the
periodic task operations.participation_refresh, an organiser's refresh) and only read by the
pages (leaderboard.participation)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone

from core.locks import advisory_lock_take
from participants.models import Participant, Unit
from participants.selectors import unit_tree_children
from quizzes.models import FINISHED_STATES, Attempt
from quizzes.selectors import contest_finished_attempts
from rounds.models import Contest, Round

from .models import ActivityStat, ParticipationStat, ScoreStat

# Sign-ups shown on the dashboard: from a week before the first round to the last round's end.
REGISTRATION_LEAD = dt.timedelta(days=7)
# Advisory lock namespace of the participation refresh, one lock per contest.
_PARTICIPATION_LOCK_BASE = 0x70617274 << 16  # "part"


def _roll_up(
    *, own: dict[int | None, int], children: dict[int | None, list[int]]
) -> dict[int, int]:
    """Each unit's figure plus every descendant's (post-order over the tree)."""
    totals: dict[int, int] = {}

    def visit(unit_id: int) -> int:
        if unit_id not in totals:
            totals[unit_id] = own.get(unit_id, 0) + sum(
                visit(child) for child in children.get(unit_id, [])
            )
        return totals[unit_id]

    for root in children.get(None, []):
        visit(root)
    return totals


def participation_refresh(*, contest_id: int, now: dt.datetime | None = None) -> int:
    """Recompute and store a contest's participation figures: per unit (own and rolled up
    into its parents) × per round and for the whole contest; activity per hour and day;
    score distribution per round. Practice rounds are left out. Runs under a per-contest
    advisory lock; readers see the old figures until the new ones commit. Returns the
    number of participation rows stored."""
    now = now or timezone.now()
    with transaction.atomic():
        # Taken first, so that two refreshes never interleave their reads and writes.
        advisory_lock_take(key=_PARTICIPATION_LOCK_BASE + contest_id)
        return _participation_store(contest=Contest.objects.get(pk=contest_id), now=now)


def _participation_store(*, contest: Contest, now: dt.datetime) -> int:
    rounds = list(Round.objects.filter(contest=contest, is_practice=False).order_by("number"))
    children = unit_tree_children()
    units = dict(Unit.objects.values_list("id", "headcount"))
    headcount_total = _roll_up(own=units, children=children)

    finished = contest_finished_attempts(contest_id=contest.pk)
    scopes: list[tuple[Round | None, dict, dict, dict]] = []
    for round in [*rounds, None]:
        attempts = finished.filter(round=round) if round else finished
        people = Participant.objects.all()
        if round:
            # Registered by the round's end, and anyone who took part in it (an account
            # created afterwards, moved between contests or seeded, still counts: nobody takes
            # part without being registered).
            people = people.filter(
                Q(created_at__lt=round.ends_at) | Q(pk__in=attempts.values("participant_id"))
            )
        registered = dict(
            people.values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n")
        )
        by_unit = attempts.values("participant__unit_id").annotate(
            people=Count("participant_id", distinct=True), attempts=Count("id")
        )
        participants = {row["participant__unit_id"]: row["people"] for row in by_unit}
        attempt_counts = {row["participant__unit_id"]: row["attempts"] for row in by_unit}
        scopes.append((round, registered, participants, attempt_counts))

    rows: list[ParticipationStat] = []
    for round, registered, participants, attempt_counts in scopes:
        registered_total = _roll_up(own=registered, children=children)
        participants_total = _roll_up(own=participants, children=children)
        attempts_total = _roll_up(own=attempt_counts, children=children)
        for unit_id, headcount in units.items():
            rows.append(
                ParticipationStat(
                    contest=contest,
                    round=round,
                    unit_id=unit_id,
                    headcount=headcount,
                    headcount_total=headcount_total.get(unit_id, headcount),
                    registered=registered.get(unit_id, 0),
                    registered_total=registered_total.get(unit_id, 0),
                    participants=participants.get(unit_id, 0),
                    participants_total=participants_total.get(unit_id, 0),
                    attempts=attempt_counts.get(unit_id, 0),
                    attempts_total=attempts_total.get(unit_id, 0),
                    refreshed_at=now,
                )
            )

        # The whole contest: the plain fields count everyone (citizens with no unit too: the
        # home page's totals); the *_total fields count the units' people only, because the
        # rate is measured against the units' declared headcount (the 80 % target is theirs).
        def in_units(counts: dict) -> int:
            return sum(value for unit_id, value in counts.items() if unit_id is not None)

        everyone = sum(units.values())
        rows.append(
            ParticipationStat(
                contest=contest,
                round=round,
                unit=None,
                headcount=everyone,
                headcount_total=everyone,
                registered=sum(registered.values()),
                registered_total=in_units(registered),
                participants=sum(participants.values()),
                participants_total=in_units(participants),
                attempts=sum(attempt_counts.values()),
                attempts_total=in_units(attempt_counts),
                refreshed_at=now,
            )
        )

    activity = _activity_rows(contest=contest)
    scores = [
        ScoreStat(round_id=row["round_id"], score=row["score"], attempts=row["n"])
        for row in finished.values("round_id", "score").annotate(n=Count("id"))
    ]
    ParticipationStat.objects.filter(contest=contest).delete()
    ParticipationStat.objects.bulk_create(rows, batch_size=2000)
    ActivityStat.objects.filter(contest=contest).delete()
    ActivityStat.objects.bulk_create(activity, batch_size=2000)
    ScoreStat.objects.filter(round__contest=contest).delete()
    ScoreStat.objects.bulk_create(scores, batch_size=2000)
    return len(rows)


def _activity_rows(*, contest: Contest) -> list[ActivityStat]:
    local = ZoneInfo(settings.TIME_ZONE)
    started = Attempt.objects.filter(round__contest=contest, round__is_practice=False)
    rows: dict[tuple[str, dt.datetime], ActivityStat] = {}
    for period, trunc in (
        (ActivityStat.Period.HOUR, TruncHour),
        (ActivityStat.Period.DAY, TruncDay),
    ):
        buckets = (
            started.annotate(bucket=trunc("started_at", tzinfo=local))
            .values("bucket")
            .annotate(
                people=Count("participant_id", distinct=True),
                attempts=Count("id", filter=Q(state__in=FINISHED_STATES)),
            )
        )
        for bucket in buckets:
            rows[(period, bucket["bucket"])] = ActivityStat(
                contest=contest,
                period=period,
                starts_at=bucket["bucket"],
                participants=bucket["people"],
                attempts=bucket["attempts"],
            )
        window = Round.objects.filter(contest=contest, is_practice=False).aggregate(
            start=Min("starts_at"), end=Max("ends_at")
        )
        if window["start"] is None:
            continue
        registrations = (
            Participant.objects.filter(
                created_at__gte=window["start"] - REGISTRATION_LEAD, created_at__lt=window["end"]
            )
            .annotate(bucket=trunc("created_at", tzinfo=local))
            .values("bucket")
            .annotate(n=Count("id"))
        )
        for bucket in registrations:
            key = (period, bucket["bucket"])
            row = rows.setdefault(
                key, ActivityStat(contest=contest, period=period, starts_at=bucket["bucket"])
            )
            row.registrations = bucket["n"]
    return list(rows.values())


def participation_refresh_all(*, now: dt.datetime | None = None) -> int:
    """Refresh every active contest (the periodic task's job)."""
    total = 0
    for contest_id in Contest.objects.filter(is_active=True).values_list("pk", flat=True):
        total += participation_refresh(contest_id=contest_id, now=now)
    return total
