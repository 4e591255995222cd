"""Ranking a round, awarding its prizes, the provisional board of open rounds, and the
stored participation statistics of units.

The ranking is set-based: one INSERT … SELECT with window functions picks each participant's
counted attempt (ROW_NUMBER) and ranks them (RANK, so equal keys share a rank: 1, 1, 3). The
same SQL runs on PostgreSQL (the target) and SQLite ≥ 3.25 (`make run`).
"""

import datetime as dt
import io
import logging
import zipfile
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from content.services import WinnerLine
from core.audit import audit_log_record
from core.locks import advisory_lock_take
from participants.models import Participant, Unit, User
from participants.selectors import unit_tree_children
from quizzes.models import FINISHED_STATES, Attempt
from rounds.models import Contest, Disqualification, PrizeTier, Round

from .models import ActivityStat, Award, Certificate, ParticipationStat, RoundResult, ScoreStat

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

    finished = Attempt.objects.filter(
        round__contest=contest, round__is_practice=False, state__in=FINISHED_STATES
    )
    scopes: list[tuple[Round | None, dict, dict, dict]] = []
    for round in [*rounds, None]:
        attempts = finished.filter(round=round) if round else finished
        people = Participant.objects.all()
        if round:
            people = people.filter(created_at__lt=round.ends_at)
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


logger = logging.getLogger(__name__)

# The ranking key (DESIGN §2), written once over the columns of the `eligible` set below:
# score desc → |prediction − actual| asc (no prediction: last) → duration asc → submitted_at asc.
RANK_KEY_SQL = (
    "score DESC, CASE WHEN prediction_error IS NULL THEN 1 ELSE 0 END, prediction_error, "
    "duration_ms, submitted_at"
)
# Which attempt of a person counts (contest.counted_attempt); `id` makes the pick deterministic
# between attempts equal on the whole key.
COUNTED_ORDER_SQL = {
    Contest.CountedAttempt.BEST: f"{RANK_KEY_SQL}, id",
    Contest.CountedAttempt.FIRST: "number, id",
    Contest.CountedAttempt.LAST: "number DESC, id DESC",
}


def _counted_sql(*, counted_attempt: str) -> str:
    """A WITH clause ending in `counted`: each eligible participant's counted attempt (pick = 1).

    Eligible: a finished attempt of the round, by a person who is not staff, not marked
    unranked, and not disqualified from the contest. Parameters, in order: actual (may be NULL),
    round id, is_staff (False), is_unranked (False), contest id."""
    attempt = Attempt._meta.db_table
    participant = Participant._meta.db_table
    user = User._meta.db_table
    disqualification = Disqualification._meta.db_table
    finished = ", ".join(f"'{state.value}'" for state in FINISHED_STATES)
    return f"""
        WITH eligible AS (
            SELECT a.id, a.participant_id, a.number, a.score, a.question_count, a.prediction,
                   ABS(a.prediction - %s) AS prediction_error, a.duration_ms, a.submitted_at
            FROM {attempt} a
            JOIN {participant} p ON p.id = a.participant_id
            JOIN {user} u ON u.id = p.user_id
            WHERE a.round_id = %s AND a.state IN ({finished})
              AND u.is_staff = %s AND p.is_unranked = %s
              AND NOT EXISTS (
                  SELECT 1 FROM {disqualification} d
                  WHERE d.contest_id = %s AND d.participant_id = a.participant_id
              )
        ),
        counted AS (
            SELECT eligible.*, ROW_NUMBER() OVER (
                PARTITION BY participant_id ORDER BY {COUNTED_ORDER_SQL[counted_attempt]}
            ) AS pick
            FROM eligible
        )
    """


def _prediction_actual(*, round: Round) -> int:
    """How many eligible participants have a full-mark counted attempt. With the "best" rule
    the counted attempt is full-mark exactly when any attempt is (score comes first in the
    key), so no pick is needed; with "first"/"last" the pick does not involve the prediction."""
    if round.contest.counted_attempt == Contest.CountedAttempt.BEST:
        tail = "SELECT COUNT(DISTINCT participant_id) FROM eligible WHERE score = question_count"
    else:
        tail = "SELECT COUNT(*) FROM counted WHERE pick = 1 AND score = question_count"
    sql = _counted_sql(counted_attempt=round.contest.counted_attempt) + tail
    with connection.cursor() as cursor:
        cursor.execute(sql, [None, round.pk, False, False, round.contest_id])
        return cursor.fetchone()[0]


def _results_store(*, round: Round, actual: int) -> int:
    """Replace the round's stored ranking (and drop its awards): delete, then one INSERT …
    SELECT; returns the number of rows."""
    result = RoundResult._meta.db_table
    sql = _counted_sql(counted_attempt=round.contest.counted_attempt) + (
        f"""
        INSERT INTO {result} (round_id, participant_id, attempt_id, score, prediction,
                              prediction_error, duration_ms, submitted_at, rank)
        SELECT %s, participant_id, id, score, prediction, prediction_error, duration_ms,
               submitted_at, RANK() OVER (ORDER BY {RANK_KEY_SQL})
        FROM counted WHERE pick = 1
        """
    )
    with connection.cursor() as cursor:
        # Plain DELETEs: the ORM's would load every stored row to cascade to the awards.
        cursor.execute(f"DELETE FROM {Award._meta.db_table} WHERE round_id = %s", [round.pk])
        cursor.execute(f"DELETE FROM {result} WHERE round_id = %s", [round.pk])
        cursor.execute(sql, [actual, round.pk, False, False, round.contest_id, round.pk])
    # (SQLite reports no row count for WITH … INSERT.)
    return RoundResult.objects.filter(round=round).count()


@dataclass(frozen=True)
class RankSummary:
    round_id: int
    prediction_actual: int
    results: int
    awards: int
    ties_to_decide: int


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


def round_awards_store(*, round: Round) -> tuple[int, int]:
    """Give the round's prizes down its stored ranking, tier by tier (call under the round's
    lock, after the ranking is stored). Returns (awards, awards needing a decision).

    With the per-contest scope, a person who won in an earlier round of the contest is skipped.
    A tie at a tier's last place is not cut silently: everyone sharing that rank gets the tier
    and is flagged `needs_decision` for the organisers (the next tier starts after them)."""
    tiers = list(PrizeTier.objects.filter(round=round).order_by("order"))
    if not tiers:
        return 0, 0
    skipped: set[int] = set()
    if round.contest.prize_scope == Contest.PrizeScope.CONTEST:
        skipped = set(
            Award.objects.filter(
                round__contest_id=round.contest_id, round__number__lt=round.number
            ).values_list("participant_id", flat=True)
        )
    ranking = (
        RoundResult.objects.filter(round=round)
        .exclude(participant_id__in=skipped)
        .order_by("rank", "id")
        .values_list("id", "participant_id", "rank")
        .iterator(chunk_size=200)
    )
    # Read down the ranking only as far as the prizes (and a tie at the last place) go.
    pending = next(ranking, None)
    awards: list[Award] = []
    for tier in tiers:
        given: list[tuple[int, int, int]] = []
        while pending is not None and len(given) < tier.count:
            given.append(pending)
            pending = next(ranking, None)
        if not given:
            break
        last_rank = given[-1][2]
        tied_beyond: list[tuple[int, int, int]] = []
        while pending is not None and pending[2] == last_rank:
            tied_beyond.append(pending)
            pending = next(ranking, None)
        for result_id, participant_id, rank in [*given, *tied_beyond]:
            awards.append(
                Award(
                    round=round,
                    participant_id=participant_id,
                    tier=tier,
                    result_id=result_id,
                    needs_decision=bool(tied_beyond) and rank == last_rank,
                )
            )
    Award.objects.bulk_create(awards)
    return len(awards), sum(1 for award in awards if award.needs_decision)


# --- The provisional board of open rounds -------------------------------------------------

PROVISIONAL_BOARD_SIZE = 20
PROVISIONAL_BOARD_TIMEOUT = 10 * 60


def provisional_board_cache_key(round_id: int) -> str:
    return f"leaderboard:provisional:v1:{round_id}"


def provisional_board_refresh(*, round_id: int, now: datetime | None = None) -> list[dict]:
    """Compute the top of an open round by best score and shortest time (the prediction is
    unknown until the round closes) and store it in the cache, where the page reads it."""
    now = now or timezone.now()
    round = Round.objects.select_related("contest").get(pk=round_id)
    attempt = Attempt._meta.db_table
    participant = Participant._meta.db_table
    user = User._meta.db_table
    disqualification = Disqualification._meta.db_table
    sql = f"""
        WITH best AS (
            SELECT a.participant_id, a.score, a.duration_ms, a.submitted_at,
                   ROW_NUMBER() OVER (
                       PARTITION BY a.participant_id
                       ORDER BY a.score DESC, a.duration_ms, a.submitted_at, a.id
                   ) AS pick
            FROM {attempt} a
            JOIN {participant} p ON p.id = a.participant_id
            JOIN {user} u ON u.id = p.user_id
            WHERE a.round_id = %s AND a.state <> %s AND u.is_staff = %s AND p.is_unranked = %s
              AND NOT EXISTS (
                  SELECT 1 FROM {disqualification} d
                  WHERE d.contest_id = %s AND d.participant_id = a.participant_id
              )
        )
        SELECT participant_id, score, duration_ms,
               RANK() OVER (ORDER BY score DESC, duration_ms) AS place
        FROM best WHERE pick = 1
        ORDER BY place, submitted_at, participant_id
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                round.pk,
                Attempt.State.IN_PROGRESS,
                False,
                False,
                round.contest_id,
                PROVISIONAL_BOARD_SIZE,
            ],
        )
        top = cursor.fetchall()
    people = Participant.objects.select_related("user", "unit").in_bulk([row[0] for row in top])
    board = [
        {
            "place": place,
            "name": people[participant_id].public_name,
            "unit": (
                people[participant_id].unit.name
                if people[participant_id].unit
                else people[participant_id].locality
            ),
            "score": score,
            "duration_ms": duration_ms,
        }
        for participant_id, score, duration_ms, place in top
    ]
    cache.set(
        provisional_board_cache_key(round_id),
        {"computed_at": now, "rows": board},
        PROVISIONAL_BOARD_TIMEOUT,
    )
    return board


def provisional_boards_refresh(*, now: datetime | None = None) -> int:
    """Refresh the provisional board of every round open now (the periodic task)."""
    now = now or timezone.now()
    round_ids = Round.objects.filter(
        is_practice=False,
        state__in=[Round.State.SCHEDULED, Round.State.OPEN],
        starts_at__lte=now,
        ends_at__gt=now,
    ).values_list("id", flat=True)
    count = 0
    for round_id in round_ids:
        provisional_board_refresh(round_id=round_id, now=now)
        count += 1
    return count


# --- Certificates -----------------------------------------------------------------------------


class CertificateError(Exception):
    """A certificate the person is not entitled to; the message is for them."""


def certificate_issue(*, participant: Participant, round: Round, kind: str) -> Certificate:
    """The person's certificate of this kind for the round, created on first request with a
    new unguessable code. Two requests racing get the same row (the unique constraint)."""
    from .selectors import certificate_grounds  # selectors import this module

    if certificate_grounds(participant_id=participant.pk, round=round, kind=kind) is None:
        raise CertificateError(_("Bạn chưa đủ điều kiện nhận chứng nhận này."))
    certificate, _created = Certificate.objects.get_or_create(
        participant=participant, round=round, kind=kind
    )
    certificate.participant, certificate.round = participant, round
    return certificate


def round_prize_certificates_zip(*, round_ids: list[int], actor: User | None) -> bytes:
    """Every prize certificate of these published rounds as one zip (a folder per round),
    issuing the missing ones; logged per round. A round not published is refused."""
    from .selectors import certificate_facts, certificate_pdf  # selectors import this module

    rounds = list(Round.objects.filter(pk__in=round_ids).select_related("contest").order_by("pk"))
    for round in rounds:
        if round.state != Round.State.PUBLISHED or round.is_practice:
            raise CertificateError(
                _("Chỉ tải được chứng nhận của đợt thi đã công bố kết quả (%(name)s).")
                % {"name": round.name}
            )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for round in rounds:
            awards = (
                Award.objects.filter(round=round, needs_decision=False)
                .select_related("participant__user", "participant__unit", "tier", "result")
                .order_by("tier__order", "result__rank", "id")
            )
            count = 0
            for position, award in enumerate(awards, start=1):
                certificate, _created = Certificate.objects.get_or_create(
                    participant=award.participant, round=round, kind=Certificate.Kind.PRIZE
                )
                certificate.participant, certificate.round = award.participant, round
                facts = certificate_facts(certificate=certificate)
                if facts is None:
                    continue
                name = slugify(f"{position:02d} {award.tier.name} {award.participant.full_name}")
                archive.writestr(
                    f"{slugify(round.contest.slug)}-dot-{round.number}/{name}.pdf",
                    certificate_pdf(facts=facts),
                )
                count += 1
            audit_log_record(
                actor=actor, action="certificates_prize_zip", target=round, certificates=count
            )
    return buffer.getvalue()


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
