"""Races against the real PostgreSQL: many threads, each with its own connection."""

import threading

import pytest
from django.db import connection
from django.db.models.signals import post_save

from quizzes.models import Attempt
from quizzes.services import AttemptError, attempt_start, attempt_submit
from tests.factories import ParticipantFactory, QuestionFactory, RoundFactory

PARALLEL = 20


def _run_in_threads(target, count: int = PARALLEL) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:  # reported by the test, never swallowed
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def race_setup(transactional_db):
    QuestionFactory.create_batch(8)
    return ParticipantFactory(), RoundFactory()


def test_parallel_starts_create_one_attempt(race_setup):
    participant, round = race_setup
    results = _run_in_threads(
        lambda: attempt_start(participant=participant, round=round).attempt.pk
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert len(set(results)) == 1
    assert Attempt.objects.filter(participant=participant, round=round).count() == 1


def test_parallel_submits_change_the_state_once_and_answer_alike(race_setup):
    participant, round = race_setup
    attempt = attempt_start(participant=participant, round=round).attempt
    finishes = []

    def count_finish(sender, instance, update_fields=None, **kwargs):
        if update_fields and "state" in update_fields:
            finishes.append(instance.pk)

    post_save.connect(count_finish, sender=Attempt)
    try:
        results = _run_in_threads(
            lambda: attempt_submit(participant_id=participant.pk, attempt_id=attempt.pk)
        )
    finally:
        post_save.disconnect(count_finish, sender=Attempt)
    assert [r for r in results if isinstance(r, Exception | AttemptError)] == []
    assert len({(r.state, r.submitted_at, r.score, r.duration_ms) for r in results}) == 1
    assert finishes == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
