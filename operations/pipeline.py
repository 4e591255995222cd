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
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from content.models import Announcement
from content.services import announcement_draft_results
from core.audit import audit_log_record
from core.health import heartbeat_record
from leaderboard.models import PublicationEvent
from leaderboard.publication import (
    open_ties_share,
    publication_event_record,
    round_publication_event_after_publish,
    round_publication_refusals,
    round_standings,
    standings_moves,
)
from leaderboard.ranking import RankSummary, round_results_store
from leaderboard.results import round_winner_lines
from leaderboard.verification import round_verify
from participants.models import User
from quizzes.services import (
    attempts_deadline_cut,
    attempts_finalize_overdue,
    round_drawn_questions_record,
)
from rounds.models import Round
from rounds.selectors import rounds_due_for_closing, rounds_due_for_ranking
from rounds.services import (
    RoundStateError,
    round_close,
    round_lock,
    round_mark_ranked,
    round_publish,
    round_rank_allowed,
    round_unpublish,
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
    # The last step: the stored results against an independent recomputation. A mismatch is
    # kept and reported (publishing verifies again and refuses), not rolled back: the sweep
    # would only rank the round again, the same way.
    verification = round_verify(round=round)
    if not verification.ok:
        logger.error(
            "round %s does not verify: %s", round.pk, "; ".join(verification.differences[:20])
        )
    return replace(summary, differences=tuple(verification.differences))


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
    *,
    round_id: int,
    actor: User | None,
    now: datetime | None = None,
    share_open_ties_reason: str = "",
) -> Announcement:
    """Publish a ranked round's results and draft the results announcement with its winners
    table (masked names, as on the public pages), for the organiser to edit and publish. An
    announcement already published is left as the organiser wrote it.

    Refused (RoundStateError) while the stored results do not verify or a tie at a cut is
    open, unless the organiser explicitly publishes the open ties as shared prizes (with the
    reason given). The publication goes into the round's public log with its digest."""
    with transaction.atomic():
        round = round_lock(round_id=round_id)
        was_published = round.state == Round.State.PUBLISHED
        if not was_published and round.state == Round.State.RANKED:
            if share_open_ties_reason.strip():
                open_ties_share(round=round, reason=share_open_ties_reason, actor=actor)
            refusals = round_publication_refusals(round=round)
            if refusals:
                raise RoundStateError(" ".join(refusals))
        round = round_publish(round_id=round_id, actor=actor, now=now)
        if not was_published:
            round_publication_event_after_publish(round=round, actor=actor)
        return announcement_draft_results(round=round, winners=round_winner_lines(round=round))


def round_unpublish_and_log(*, round_id: int, actor: User | None, reason: str = "") -> Round:
    """Take a round's results off the public pages, noted in its public log."""
    with transaction.atomic():
        before = round_lock(round_id=round_id)
        round = round_unpublish(round_id=round_id, actor=actor)
        if before.state == Round.State.PUBLISHED:
            publication_event_record(
                round=round, kind=PublicationEvent.Kind.UNPUBLISH, actor=actor, reason=reason
            )
    return round


class _PreviewDone(Exception):
    """Raised to roll a preview's changes back."""


def _published_rounds_changed(
    *, round_ids: list[int], apply: Callable[[], list[int]]
) -> tuple[list[tuple[Round, list[dict]]], list[int]]:
    rounds = [round_lock(round_id=round_id) for round_id in sorted(round_ids)]
    rounds = [r for r in rounds if r.state == Round.State.PUBLISHED and not r.is_practice]
    before = {round.pk: round_standings(round=round) for round in rounds}
    to_rank = apply()
    changes = []
    for round in rounds:
        round_rank(round_id=round.pk)
        after = round_standings(round=round)
        changes.append((round, standings_moves(before=before[round.pk], after=after)))
    published = {round.pk for round in rounds}
    return changes, [round_id for round_id in to_rank if round_id not in published]


def published_rounds_change_preview(
    *, round_ids: list[int], apply: Callable[[], list[int]]
) -> list[tuple[Round, list[dict]]]:
    """What a change (a disqualification, a re-score: `apply`, which returns the rounds to
    rank again) would do to these published rounds: it is applied, the rounds are ranked
    again, who moved is read, and everything is rolled back. (round, moves) per round."""
    preview: list[tuple[Round, list[dict]]] = []
    try:
        with transaction.atomic():
            preview, _rest = _published_rounds_changed(round_ids=round_ids, apply=apply)
            raise _PreviewDone
    except _PreviewDone:
        pass
    return preview


def published_rounds_change_confirm(
    *, round_ids: list[int], apply: Callable[[], list[int]], reason: str, actor: User | None
) -> list[int]:
    """Apply a change to published rounds: they are ranked again at once, and each one whose
    standings moved gets a public correction notice with the reason and who moved. Returns
    the other rounds to rank again (the caller queues them)."""
    reason = reason.strip()
    if not reason:
        raise ValueError(_("Cần ghi rõ lý do đính chính công khai."))
    with transaction.atomic():
        changes, rest = _published_rounds_changed(round_ids=round_ids, apply=apply)
        for round, moves in changes:
            if moves:
                publication_event_record(
                    round=round,
                    kind=PublicationEvent.Kind.CORRECTION,
                    actor=actor,
                    reason=reason,
                    changes=moves,
                )
    return rest
