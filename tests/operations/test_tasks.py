"""The sweep, travelling in time around the 00h end of a round (Asia/Ho_Chi_Minh)."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command

from contest_site.celery import app
from core.health import heartbeat_last
from leaderboard.models import RoundResult
from operations.health import SWEEP_HEARTBEAT
from operations.pipeline import rounds_sweep
from quizzes.models import Attempt, Choice
from quizzes.services import answer_save, attempt_start
from rounds.models import Round
from rounds.selectors import round_grace_ends_next
from tests.factories import FinishedAttemptFactory, ParticipantFactory, RoundFactory

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
STARTS = dt.datetime(2025, 3, 3, 0, 0, tzinfo=VIETNAM)  # Monday 00h
ENDS = dt.datetime(2025, 3, 7, 0, 0, tzinfo=VIETNAM)  # Friday 00h

pytestmark = pytest.mark.django_db


@pytest.fixture
def round(question_bank) -> Round:
    return RoundFactory(starts_at=STARTS, ends_at=ENDS)


def _state(round: Round) -> str:
    round.refresh_from_db()
    return round.state


def test_the_sweep_opens_the_round_once_its_window_starts(round):
    with time_machine.travel(STARTS - dt.timedelta(microseconds=1), tick=False):
        rounds_sweep()
    assert _state(round) == Round.State.SCHEDULED
    with time_machine.travel(STARTS, tick=False):
        assert rounds_sweep()["opened"] == 1
    assert _state(round) == Round.State.OPEN


def test_round_closes_at_00h_and_is_ranked_once_the_grace_has_passed(round):
    FinishedAttemptFactory(round=round)
    with time_machine.travel(ENDS - dt.timedelta(microseconds=1), tick=False):
        summary = rounds_sweep()
    assert summary["closed"] == 0
    assert _state(round) == Round.State.OPEN
    with time_machine.travel(ENDS, tick=False):
        summary = rounds_sweep()
    assert (summary["closed"], summary["ranked"]) == (1, 0)
    assert _state(round) == Round.State.CLOSED
    assert round.closed_at == ENDS
    # A save may still arrive until deadline + grace (3 s): no ranking before that.
    with time_machine.travel(ENDS + dt.timedelta(seconds=2, microseconds=999_999), tick=False):
        assert rounds_sweep()["ranked"] == 0
    with time_machine.travel(ENDS + dt.timedelta(seconds=3), tick=False):
        assert rounds_sweep()["ranked"] == 1
    assert _state(round) == Round.State.RANKED
    assert RoundResult.objects.filter(round=round).count() == 1


def test_an_attempt_left_open_across_00h_is_submitted_at_its_deadline_and_ranked(round):
    participant = ParticipantFactory()
    with time_machine.travel(ENDS - dt.timedelta(minutes=10), tick=False):
        attempt = attempt_start(participant=participant, round=round).attempt
        assert attempt.deadline == ENDS  # min(start + 20 min, round end)
        first = attempt.answers.order_by("position").first()
        correct = list(
            Choice.objects.filter(question_id=first.question_id, is_correct=True).values_list(
                "id", flat=True
            )
        )
        assert answer_save(
            participant_id=participant.pk,
            attempt_id=attempt.pk,
            question_id=first.question_id,
            choice_ids=correct,
            seq=1,
        )
    with time_machine.travel(ENDS + dt.timedelta(minutes=1), tick=False):
        summary = rounds_sweep()
    assert summary["attempts_finalized"] == 1
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.AUTO_SUBMITTED
    assert attempt.submitted_at == ENDS
    assert attempt.score == 1
    assert attempt.duration_ms == 10 * 60 * 1000
    result = RoundResult.objects.get(round=round)
    assert (result.attempt_id, result.rank, result.submitted_at) == (attempt.pk, 1, ENDS)


def test_overdue_attempts_in_an_open_round_are_submitted_by_the_sweep(round):
    participant = ParticipantFactory()
    start = STARTS + dt.timedelta(days=1)
    with time_machine.travel(start, tick=False):
        attempt = attempt_start(participant=participant, round=round).attempt
    with time_machine.travel(attempt.deadline + dt.timedelta(seconds=2), tick=False):
        assert rounds_sweep()["attempts_finalized"] == 0  # still within the grace
    with time_machine.travel(attempt.deadline + dt.timedelta(seconds=30), tick=False):
        assert rounds_sweep()["attempts_finalized"] == 1
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.AUTO_SUBMITTED
    assert attempt.submitted_at == attempt.deadline
    assert _state(round) == Round.State.OPEN


def test_the_sweep_catches_up_after_downtime_and_is_idempotent(round):
    FinishedAttemptFactory(round=round)
    back = ENDS + dt.timedelta(days=2, hours=7)
    with time_machine.travel(back, tick=False):
        summary = rounds_sweep()
        assert (summary["closed"], summary["ranked"]) == (1, 1)
        assert rounds_sweep()["ranked"] == 0
    assert _state(round) == Round.State.RANKED
    assert heartbeat_last(name=SWEEP_HEARTBEAT) == back


def test_practice_rounds_close_but_are_not_ranked(question_bank):
    practice = RoundFactory(starts_at=STARTS, ends_at=ENDS, is_practice=True)
    FinishedAttemptFactory(round=practice)
    with time_machine.travel(ENDS + dt.timedelta(hours=1), tick=False):
        summary = rounds_sweep()
    assert (summary["closed"], summary["ranked"], summary["failed"]) == (1, 0, 0)
    assert _state(practice) == Round.State.CLOSED
    assert not RoundResult.objects.exists()


def test_close_due_rounds_command_runs_the_sweep(round):
    FinishedAttemptFactory(round=round)
    out = StringIO()
    with time_machine.travel(ENDS + dt.timedelta(minutes=5), tick=False):
        call_command("close_due_rounds", stdout=out)
    assert "'ranked': 1" in out.getvalue()
    assert _state(round) == Round.State.RANKED


def test_a_round_in_its_grace_is_reported_for_the_follow_up_sweep(round):
    with time_machine.travel(ENDS, tick=False):
        rounds_sweep()
        assert round_grace_ends_next() == ENDS + dt.timedelta(seconds=3)
    with time_machine.travel(ENDS + dt.timedelta(seconds=3), tick=False):
        rounds_sweep()
        assert round_grace_ends_next() is None


def test_the_beat_schedule_sends_registered_tasks_every_minute_and_at_local_midnight():
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {entry["task"] for entry in schedule.values()} <= set(app.tasks)
    sweeps = [
        entry["schedule"] for entry in schedule.values() if entry["task"] == "operations.sweep"
    ]
    assert 60.0 in sweeps
    midnight = next(s for s in sweeps if isinstance(s, crontab))
    assert (midnight.hour, midnight.minute) == ({0}, {0})
    assert app.conf.timezone == "Asia/Ho_Chi_Minh"
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.task_time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
