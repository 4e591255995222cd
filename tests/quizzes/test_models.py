import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from quizzes.models import Attempt


def _attempt(participant, round, number, state=Attempt.State.IN_PROGRESS):
    now = timezone.now()
    finished = state != Attempt.State.IN_PROGRESS
    return Attempt.objects.create(
        participant=participant,
        round=round,
        number=number,
        state=state,
        started_at=now - dt.timedelta(minutes=5),
        deadline=now + dt.timedelta(minutes=15),
        submitted_at=now if finished else None,
        score=3 if finished else None,
        duration_ms=300_000 if finished else None,
        question_count=5,
    )


@pytest.mark.django_db
def test_database_refuses_a_second_in_progress_attempt(participant, open_round):
    _attempt(participant, open_round, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        _attempt(participant, open_round, 2)


@pytest.mark.django_db
def test_finished_attempts_do_not_block_a_new_one(participant, open_round):
    _attempt(participant, open_round, 1, state=Attempt.State.SUBMITTED)
    _attempt(participant, open_round, 2, state=Attempt.State.AUTO_SUBMITTED)
    _attempt(participant, open_round, 3)
    assert Attempt.objects.filter(participant=participant).count() == 3


@pytest.mark.django_db
def test_attempt_number_is_unique_per_participant_and_round(participant, open_round):
    _attempt(participant, open_round, 1, state=Attempt.State.SUBMITTED)
    with pytest.raises(IntegrityError):
        _attempt(participant, open_round, 1, state=Attempt.State.SUBMITTED)


@pytest.mark.django_db
def test_a_finished_attempt_must_carry_its_result(participant, open_round):
    attempt = _attempt(participant, open_round, 1)
    with pytest.raises(IntegrityError):
        Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.SUBMITTED)
