"""The provisional board of open rounds: the top by best score and shortest time (the
prediction is unknown until the round closes), computed by the periodic task and kept in the
cache, where the page reads it."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from participants.models import Participant, User
from quizzes.models import Attempt
from rounds.models import Disqualification, Round


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


# Sign-ups shown on the dashboard: from a week before the first round to the last round's end.


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
