"""The provisional board of open rounds: the top by the ranking policy without the prediction
(its answer is unknown until the round closes), computed by the periodic task and kept in the
cache, where the page reads it."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from participants.models import Participant
from quizzes.ranking_policy import PROVISIONAL_KEY, counted_sql, order_sql
from rounds.models import Round


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


PROVISIONAL_BOARD_SIZE = 20
PROVISIONAL_BOARD_TIMEOUT = 10 * 60


def provisional_board_cache_key(round_id: int) -> str:
    return f"leaderboard:provisional:v1:{round_id}"


def provisional_board_refresh(*, round_id: int, now: datetime | None = None) -> list[dict]:
    """Compute the top of an open round (the ranking policy without the prediction) and
    store it in the cache, where the page reads it."""
    now = now or timezone.now()
    round = Round.objects.select_related("contest").get(pk=round_id)
    # The counted attempt and the order by the ranking policy, without the prediction (its
    # answer is unknown until the round closes).
    sql = counted_sql(counted_attempt=round.contest.counted_attempt, key=PROVISIONAL_KEY) + (
        f"""
        SELECT participant_id, score, duration_ms,
               RANK() OVER (ORDER BY {order_sql(PROVISIONAL_KEY)}) AS place
        FROM counted WHERE pick = 1
        ORDER BY place, participant_id
        LIMIT %s
        """
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [None, round.pk, round.contest_id, PROVISIONAL_BOARD_SIZE])
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
