"""The round pipeline: close → finalise overdue attempts → rank → award → mark ranked, and
the flows an organiser starts that span apps (close now, rank again, publish and announce).

This is the one place that calls the services of several apps in one flow. Each step is a
service of the app that owns it: rounds moves the round's state (round_close,
round_rank_allowed, round_mark_ranked, round_publish), quizzes finishes the attempts
(attempts_finalize_overdue, attempts_deadline_cut), leaderboard computes and stores the
ranking and prizes (round_results_store), content drafts the announcement. Nothing here
queues a task: the callers (operations.tasks, operations.admin) queue what the flow says must
happen next.

The sweep works from the clock and the stored states, not from the tick that triggered it, so
a worker that was down at 00h ranks the round on its first sweep back. Every step is
idempotent and runs under the round's row lock.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from content.models import Announcement
from content.services import announcement_draft_results
from core.audit import audit_log_record
from core.health import heartbeat_record
from leaderboard.ranking import RankSummary, round_results_store
from leaderboard.results import round_winner_lines
from participants.models import User
from quizzes.services import (
    attempts_deadline_cut,
    attempts_finalize_overdue,
    round_drawn_questions_record,
)
from rounds.models import Round
from rounds.selectors import rounds_due_for_closing, rounds_due_for_ranking
from rounds.services import (
    round_close,
    round_lock,
    round_mark_ranked,
    round_publish,
    round_rank_allowed,
    rounds_open_started,
)

from .health import SWEEP_HEARTBEAT

logger = logging.getLogger(__name__)


def _round_rank_locked(*, round: Round, now: datetime) -> RankSummary:
    round_rank_allowed(round=round, now=now)
    # Every attempt's deadline is at most ends_at, so all of them are past deadline + grace.
    attempts_finalize_overdue(now=now, round_id=round.pk)
    round_drawn_questions_record(round_id=round.pk)  # if the close did not (idempotent)
    summary = round_results_store(round=round)
    round_mark_ranked(round=round, prediction_actual=summary.prediction_actual, now=now)
    return summary


def round_rank(*, round_id: int, now: datetime | None = None) -> RankSummary:
    """Rank a round whose window has ended (and whose last save can no longer arrive): its
    attempts still in progress are auto-submitted, the ranking and prizes are stored, and the
    round becomes `ranked` (a published round stays published). Under the round's row lock,
    so two workers never rank it at once; running it again gives the same rows and ranks."""
    now = now or timezone.now()
    with transaction.atomic():
        return _round_rank_locked(round=round_lock(round_id=round_id), now=now)


def round_rank_if_due(*, round_id: int, now: datetime | None = None) -> RankSummary | None:
    """The sweep's ranking: like `round_rank`, but a round that another worker ranked while
    this one waited for the lock is left alone (None)."""
    now = now or timezone.now()
    with transaction.atomic():
        round = round_lock(round_id=round_id)
        if round.state in (Round.State.RANKED, Round.State.PUBLISHED):
            return None
        return _round_rank_locked(round=round, now=now)


def round_rank_by_organiser(*, round_id: int, actor: User | None) -> RankSummary:
    """The admin's "rank again": rank now, and log who asked."""
    with transaction.atomic():
        summary = round_rank(round_id=round_id)
        audit_log_record(
            actor=actor,
            action="round_rank",
            target=Round.objects.get(pk=round_id),
            results=summary.results,
            prediction_actual=summary.prediction_actual,
            ties_to_decide=summary.ties_to_decide,
        )
    return summary


def rounds_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """One pass of the lifecycle: open started rounds, auto-submit overdue attempts (with
    `submitted_at = deadline`), close ended rounds, rank those whose grace has passed."""
    now = now or timezone.now()
    opened = rounds_open_started(now=now)
    finalized = attempts_finalize_overdue(now=now)
    closed = 0
    for round_id in rounds_due_for_closing(now=now).values_list("id", flat=True):
        with transaction.atomic():
            round_close(round_id=round_id, now=now)
            round_drawn_questions_record(round_id=round_id)
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
    heartbeat_record(name=SWEEP_HEARTBEAT, moment=now)
    return {
        "opened": opened,
        "attempts_finalized": finalized,
        "closed": closed,
        "ranked": ranked,
        "failed": failed,
    }


def round_close_now(*, round_id: int, actor: User | None, now: datetime | None = None) -> Round:
    """An organiser's "close now": the window ends now and attempts in progress get now as
    their deadline. Returns the round; it is ranked by the sweep once its grace has passed
    (the caller queues a sweep for that moment)."""
    now = now or timezone.now()
    with transaction.atomic():
        round = round_close(round_id=round_id, now=now, force=True, actor=actor)
        attempts_deadline_cut(round_id=round.pk, moment=round.ends_at)
        round_drawn_questions_record(round_id=round.pk)
    return round


def round_publish_and_announce(
    *, round_id: int, actor: User | None, now: datetime | None = None
) -> Announcement:
    """Publish a ranked round's results and draft the results announcement with its winners
    table (masked names, as on the public pages), for the organiser to edit and publish. An
    announcement already published is left as the organiser wrote it."""
    with transaction.atomic():
        round = round_publish(round_id=round_id, actor=actor, now=now)
        return announcement_draft_results(round=round, winners=round_winner_lines(round=round))
