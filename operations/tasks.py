"""Celery tasks of the round lifecycle. This is the one module that calls both the quizzes and
the leaderboard services: the sweep submits overdue attempts, closes ended rounds and ranks them.

The sweep runs every minute and at 00:00 (CELERY_BEAT_SCHEDULE). It works from the clock and
the stored states, not from the tick that triggered it, so a worker that was down at 00h ranks
the round on its first sweep back. Every step is idempotent and runs under a row lock.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core.health import heartbeat_record
from leaderboard.services import (
    participation_refresh,
    participation_refresh_all,
    provisional_boards_refresh,
    round_rank,
    round_rank_if_due,
)
from participants.models import User
from quizzes.services import attempts_deadline_cut, attempts_finalize_overdue
from rounds.selectors import (
    round_grace_ends_next,
    rounds_due_for_closing,
    rounds_due_for_ranking,
)
from rounds.services import RoundStateError, round_close, rounds_open_started

from .health import SWEEP_HEARTBEAT

logger = logging.getLogger(__name__)


def rounds_sweep(*, now: datetime | None = None, follow_up: bool = False) -> dict[str, int]:
    """One pass of the lifecycle: open started rounds, auto-submit overdue attempts (with
    `submitted_at = deadline`), close ended rounds, rank those whose grace has passed.

    With `follow_up` (the Celery task), a round closed but still in its grace gets one more
    sweep queued for the moment the grace ends, so the 00:00 tick ranks within seconds
    instead of waiting for the next minute."""
    now = now or timezone.now()
    opened = rounds_open_started(now=now)
    finalized = attempts_finalize_overdue(now=now)
    closed = 0
    for round_id in rounds_due_for_closing(now=now).values_list("id", flat=True):
        round_close(round_id=round_id, now=now)
        closed += 1
    ranked = failed = 0
    for round in rounds_due_for_ranking(now=now):
        try:
            summary = round_rank_if_due(round_id=round.pk, now=now)
        except Exception:
            # One broken round must not keep the others unranked; the next sweep retries it.
            logger.exception("ranking round %s failed", round.pk)
            failed += 1
            continue
        ranked += summary is not None
    grace_ends = round_grace_ends_next(now=now) if follow_up else None
    if grace_ends is not None:
        sweep.apply_async(countdown=(grace_ends - now).total_seconds() + 0.5)
    heartbeat_record(name=SWEEP_HEARTBEAT, moment=now)
    return {
        "opened": opened,
        "attempts_finalized": finalized,
        "closed": closed,
        "ranked": ranked,
        "failed": failed,
    }


def round_close_now(*, round_id: int, actor: User | None, now: datetime | None = None) -> None:
    """An organiser's "close now": the window ends now, attempts in progress get now as their
    deadline, and the round is ranked once the grace has passed (a task, with the sweep as the
    safety net)."""
    now = now or timezone.now()
    with transaction.atomic():
        round = round_close(round_id=round_id, now=now, force=True, actor=actor)
        attempts_deadline_cut(round_id=round.pk, moment=round.ends_at)
    if not round.is_practice:
        delay = max(0.0, (round.ends_at + round.contest.grace - now).total_seconds()) + 1
        transaction.on_commit(lambda: round_rank_task.apply_async(args=[round.pk], countdown=delay))


def rounds_rerank_queue(*, round_ids: Iterable[int]) -> None:
    """Queue a new ranking of these rounds once the current transaction commits (at once
    outside one). The one way a re-ranking is queued: after a disqualification, a lifted or
    corrected decision, a question re-scored by a new key."""
    for round_id in sorted(set(round_ids)):
        transaction.on_commit(lambda round_id=round_id: round_rank_task.delay(round_id))


@shared_task(bind=True, name="operations.sweep", acks_late=True, reject_on_worker_lost=True)
def sweep(self) -> dict[str, int]:
    # An eager (in-process) run would follow itself up at once, without the countdown.
    return rounds_sweep(follow_up=not self.request.is_eager)


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
