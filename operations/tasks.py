"""Every Celery task and what the beat schedule runs, and the two ways work is queued: a
sweep at a given moment (sweep_queue_at) and a new ranking of rounds (rounds_rerank_queue).
Tasks take ids and call one flow of operations.pipeline or one service.

The sweep runs every minute and at 00:00 (CELERY_BEAT_SCHEDULE). A round closed but still in
its grace gets one more sweep queued for the moment the grace ends, so the 00:00 tick ranks
within seconds instead of waiting for the next minute.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from leaderboard.provisional import provisional_boards_refresh
from leaderboard.statistics import participation_refresh, participation_refresh_all
from rounds.selectors import round_grace_ends_next
from rounds.services import RoundStateError

from .pipeline import round_rank, rounds_sweep
from .preflight import preflight_alerts_send

logger = logging.getLogger(__name__)


def sweep_queue_at(*, moment: datetime, now: datetime | None = None) -> None:
    """Queue one sweep for `moment` (half a second after it), once the current transaction
    commits: the ranking of a round whose grace ends then."""
    now = now or timezone.now()
    countdown = max(0.0, (moment - now).total_seconds()) + 0.5
    transaction.on_commit(lambda: sweep.apply_async(countdown=countdown))


def rounds_rerank_queue(*, round_ids: Iterable[int]) -> None:
    """Queue a new ranking of these rounds once the current transaction commits (at once
    outside one). The one way a re-ranking is queued: after a disqualification, a lifted or
    corrected decision, a question re-scored by a new key."""
    for round_id in sorted(set(round_ids)):
        transaction.on_commit(lambda round_id=round_id: round_rank_task.delay(round_id))


@shared_task(bind=True, name="operations.sweep", acks_late=True, reject_on_worker_lost=True)
def sweep(self) -> dict[str, int]:
    now = timezone.now()
    summary = rounds_sweep(now=now)
    # An eager (in-process) run would follow itself up at once, without the countdown.
    grace_ends = None if self.request.is_eager else round_grace_ends_next(now=now)
    if grace_ends is not None:
        sweep_queue_at(moment=grace_ends, now=now)
    return summary


@shared_task(name="operations.round_rank", acks_late=True, reject_on_worker_lost=True)
def round_rank_task(round_id: int) -> int:
    """Rank one round again (after a disqualification or a question re-key). A round that
    cannot be ranked (still open, practice) is left alone: the sweep ranks it when due."""
    try:
        summary = round_rank(round_id=round_id)
    except RoundStateError as error:
        logger.info("round %s not ranked: %s", round_id, error)
        return 0
    return summary.results


@shared_task(name="operations.provisional_boards_refresh", ignore_result=True)
def provisional_boards_refresh_task() -> int:
    return provisional_boards_refresh()


@shared_task(name="operations.participation_refresh", ignore_result=True)
def participation_refresh_task(contest_id: int | None = None) -> int:
    """Refresh the stored participation statistics of one contest, or of every active one
    (the periodic run passes no argument)."""
    if contest_id is None:
        return participation_refresh_all()
    return participation_refresh(contest_id=contest_id)


@shared_task(name="operations.preflight_alerts", ignore_result=True)
def preflight_alerts_task() -> int:
    """Alert the organisers about rounds opening within a day with a failing pre-flight check."""
    return len(preflight_alerts_send())
