"""Auto-submitting attempts left open past deadline + grace (the sweep's first step)."""

import datetime as dt

import pytest
from django.utils import timezone

from quizzes.models import Attempt
from quizzes.services import attempts_deadline_cut, attempts_finalize_overdue
from tests.factories import ContestFactory, ParticipantFactory, RoundFactory

pytestmark = pytest.mark.django_db


def _open_attempt(round, deadline):
    return Attempt.objects.create(
        participant=ParticipantFactory(),
        round=round,
        number=1,
        started_at=deadline - dt.timedelta(minutes=20),
        deadline=deadline,
        question_count=5,
    )


def test_all_overdue_attempts_are_submitted_in_batches_each_at_its_deadline():
    now = timezone.now()
    round = RoundFactory()
    deadlines = [now - dt.timedelta(minutes=m) for m in range(1, 6)]
    attempts = [_open_attempt(round, deadline) for deadline in deadlines]
    assert attempts_finalize_overdue(now=now, batch_size=2) == 5
    for attempt, deadline in zip(attempts, deadlines, strict=True):
        attempt.refresh_from_db()
        assert (attempt.state, attempt.submitted_at, attempt.score) == (
            Attempt.State.AUTO_SUBMITTED,
            deadline,
            0,
        )
    assert attempts_finalize_overdue(now=now) == 0


def test_each_contest_keeps_its_own_grace():
    now = timezone.now()
    strict = RoundFactory(contest=ContestFactory(grace_seconds=0))
    lenient = RoundFactory(contest=ContestFactory(grace_seconds=30))
    deadline = now - dt.timedelta(seconds=10)
    strict_attempt = _open_attempt(strict, deadline)
    lenient_attempt = _open_attempt(lenient, deadline)
    assert attempts_finalize_overdue(now=now) == 1
    strict_attempt.refresh_from_db()
    lenient_attempt.refresh_from_db()
    assert strict_attempt.state == Attempt.State.AUTO_SUBMITTED
    assert lenient_attempt.state == Attempt.State.IN_PROGRESS


def test_only_the_given_round_when_asked():
    now = timezone.now()
    one, two = RoundFactory(), RoundFactory()
    _open_attempt(one, now - dt.timedelta(minutes=1))
    other = _open_attempt(two, now - dt.timedelta(minutes=1))
    assert attempts_finalize_overdue(now=now, round_id=one.pk) == 1
    other.refresh_from_db()
    assert other.state == Attempt.State.IN_PROGRESS


def test_closing_early_cuts_the_deadline_of_attempts_in_progress():
    now = timezone.now()
    round = RoundFactory()
    attempt = _open_attempt(round, now + dt.timedelta(minutes=15))
    assert attempts_deadline_cut(round_id=round.pk, moment=now) == 1
    attempt.refresh_from_db()
    assert attempt.deadline == now
