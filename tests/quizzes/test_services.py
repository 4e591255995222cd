import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.models import Attempt, AttemptAnswer, DrawRule
from quizzes.selectors import choice_token, question_contents
from quizzes.services import (
    AttemptError,
    answer_save,
    attempt_answer_record,
    attempt_finalize,
    attempt_start,
    attempt_submit,
    attempts_finalize_overdue,
    prediction_save,
)
from rounds.models import Disqualification
from tests.factories import ParticipantFactory, QuestionFactory, RoundFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _correct_and_wrong(row: AttemptAnswer) -> tuple[list[int], list[int]]:
    content = question_contents(question_ids=[row.question_id])[row.question_id]
    correct = sorted(content.correct_ids)
    wrong = [cid for cid in content.choices if cid not in content.correct_ids][:1]
    return correct, wrong


# --- start ---------------------------------------------------------------------------------


def test_start_draws_questions_shuffles_options_and_fixes_the_deadline(participant, open_round):
    now = timezone.now()
    started = attempt_start(participant=participant, round=open_round, now=now)
    attempt = started.attempt
    assert not started.resumed and not started.shortened
    assert attempt.number == 1
    assert attempt.deadline == now + open_round.contest.time_limit
    rows = list(attempt.answers.all())
    assert len(rows) == attempt.question_count == open_round.contest.questions_per_attempt
    assert len({row.question_id for row in rows}) == len(rows)
    for row in rows:
        content = question_contents(question_ids=[row.question_id])[row.question_id]
        assert sorted(row.choice_order) == sorted(content.choices)


def test_start_follows_the_draw_rules(participant, question_bank):
    round = RoundFactory()
    topic = TopicFactory()
    hard = QuestionFactory.create_batch(4, topic=topic, difficulty=3)
    DrawRule.objects.create(round=round, topic=topic, difficulty=3, count=3)
    attempt = attempt_start(participant=participant, round=round).attempt
    drawn = set(attempt.answers.values_list("question_id", flat=True))
    assert len(drawn) == 3 and drawn <= {q.pk for q in hard}


def test_deadline_is_capped_by_the_round_end_and_the_start_warns(participant, question_bank):
    now = timezone.now()
    round = RoundFactory(ends_at=now + dt.timedelta(minutes=5))
    started = attempt_start(participant=participant, round=round, now=now)
    assert started.attempt.deadline == round.ends_at
    assert started.shortened


def test_start_resumes_the_attempt_in_progress(participant, open_round):
    first = attempt_start(participant=participant, round=open_round)
    again = attempt_start(participant=participant, round=open_round)
    assert again.resumed and again.attempt.pk == first.attempt.pk
    assert Attempt.objects.count() == 1


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [(dt.timedelta(0), True), (dt.timedelta(microseconds=-1), False)],
)
def test_start_is_refused_outside_the_round_window(participant, question_bank, moment, allowed):
    round = RoundFactory()
    if allowed:
        attempt_start(participant=participant, round=round, now=round.starts_at + moment)
    else:
        with pytest.raises(AttemptError) as error:
            attempt_start(participant=participant, round=round, now=round.starts_at + moment)
        assert error.value.code == "round_not_open"


def test_start_at_the_round_end_is_refused(participant, open_round):
    with pytest.raises(AttemptError) as error:
        attempt_start(participant=participant, round=open_round, now=open_round.ends_at)
    assert error.value.code == "round_not_open" and error.value.status == 409


def test_start_is_refused_when_the_profile_is_incomplete(open_round):
    participant = ParticipantFactory(unit=None, date_of_birth=None)
    with pytest.raises(AttemptError) as error:
        attempt_start(participant=participant, round=open_round)
    assert error.value.code == "profile_incomplete"
    assert "ngày sinh" in error.value.message and "đơn vị" in error.value.message


def test_start_is_refused_to_a_disqualified_person(participant, open_round):
    Disqualification.objects.create(
        contest=open_round.contest, participant=participant, reason="Thi hộ"
    )
    with pytest.raises(AttemptError) as error:
        attempt_start(participant=participant, round=open_round)
    assert error.value.code == "disqualified" and error.value.status == 403


def test_start_is_refused_when_the_attempts_are_used_up(participant, open_round):
    for _ in range(open_round.contest.attempts_per_round):
        attempt = attempt_start(participant=participant, round=open_round).attempt
        attempt_submit(participant_id=participant.pk, attempt_id=attempt.pk)
    with pytest.raises(AttemptError) as error:
        attempt_start(participant=participant, round=open_round)
    assert error.value.code == "attempts_used_up"


def test_start_finalises_an_expired_attempt_and_starts_the_next(participant, open_round):
    first = attempt_start(participant=participant, round=open_round).attempt
    later = first.deadline + open_round.contest.grace
    second = attempt_start(participant=participant, round=open_round, now=later).attempt
    first.refresh_from_db()
    assert first.state == Attempt.State.AUTO_SUBMITTED and first.submitted_at == first.deadline
    assert second.number == 2


# --- save ----------------------------------------------------------------------------------


def test_save_stores_the_choice_and_only_a_newer_seq_overwrites(attempt_in_progress):
    row = attempt_in_progress.answers.first()
    correct, wrong = _correct_and_wrong(row)
    args = {
        "participant_id": attempt_in_progress.participant_id,
        "attempt_id": attempt_in_progress.pk,
        "question_id": row.question_id,
    }
    assert answer_save(**args, choice_ids=wrong, seq=2) is True
    assert answer_save(**args, choice_ids=correct, seq=1) is False
    row.refresh_from_db()
    assert row.selected == wrong and row.seq == 2
    assert answer_save(**args, choice_ids=correct, seq=3) is True
    row.refresh_from_db()
    assert row.selected == correct


def test_save_is_one_query_once_the_attempt_facts_are_cached(attempt_in_progress):
    row = attempt_in_progress.answers.first()
    correct, _ = _correct_and_wrong(row)
    args = {
        "participant_id": attempt_in_progress.participant_id,
        "attempt_id": attempt_in_progress.pk,
        "question_id": row.question_id,
        "choice_ids": correct,
    }
    answer_save(**args, seq=1)
    with CaptureQueriesContext(connection) as queries:
        answer_save(**args, seq=2)
    assert len(queries) == 1


def test_save_accepted_until_the_grace_ends_and_refused_at_it(attempt_in_progress):
    grace = attempt_in_progress.round.contest.grace
    row = attempt_in_progress.answers.first()
    correct, wrong = _correct_and_wrong(row)
    args = {
        "participant_id": attempt_in_progress.participant_id,
        "attempt_id": attempt_in_progress.pk,
        "question_id": row.question_id,
    }
    last_moment = attempt_in_progress.deadline + grace - dt.timedelta(milliseconds=1)
    with time_machine.travel(last_moment, tick=False):
        assert answer_save(**args, choice_ids=correct, seq=1) is True
    with (
        time_machine.travel(attempt_in_progress.deadline + grace, tick=False),
        pytest.raises(AttemptError) as error,
    ):
        answer_save(**args, choice_ids=wrong, seq=2)
    assert error.value.code == "deadline_passed" and error.value.status == 409
    row.refresh_from_db()
    assert row.selected == correct and row.seq == 1


@pytest.mark.parametrize("bad", ["other_participant", "foreign_question", "foreign_choice", "two"])
def test_bad_saves_are_refused_and_change_nothing(attempt_in_progress, question_bank, bad):
    rows = list(attempt_in_progress.answers.all())
    single = next(
        r
        for r in rows
        if question_contents(question_ids=[r.question_id])[r.question_id].kind == "single"
    )
    correct, wrong = _correct_and_wrong(single)
    answer_save(
        participant_id=attempt_in_progress.participant_id,
        attempt_id=attempt_in_progress.pk,
        question_id=single.question_id,
        choice_ids=correct,
        seq=1,
    )
    drawn = {r.question_id for r in rows}
    outside = next(q for q in question_bank if q.pk not in drawn)
    args = {
        "participant_id": attempt_in_progress.participant_id,
        "attempt_id": attempt_in_progress.pk,
        "question_id": single.question_id,
        "choice_ids": wrong,
        "seq": 5,
    }
    expected = {
        "other_participant": "attempt_not_found",
        "foreign_question": "question_not_in_attempt",
        "foreign_choice": "invalid_choice",
        "two": "single_choice_only",
    }[bad]
    if bad == "other_participant":
        args["participant_id"] = ParticipantFactory().pk
    elif bad == "foreign_question":
        args["question_id"] = outside.pk
        args["choice_ids"] = [outside.choices.first().pk]
    elif bad == "foreign_choice":
        args["choice_ids"] = [outside.choices.first().pk]
    else:
        args["choice_ids"] = correct + wrong
    with pytest.raises(AttemptError) as error:
        answer_save(**args)
    assert error.value.code == expected and 400 <= error.value.status < 500
    single.refresh_from_db()
    assert single.selected == correct and single.seq == 1


def test_save_after_submit_is_refused(attempt_in_progress):
    row = attempt_in_progress.answers.first()
    correct, _ = _correct_and_wrong(row)
    attempt_submit(
        participant_id=attempt_in_progress.participant_id, attempt_id=attempt_in_progress.pk
    )
    with pytest.raises(AttemptError) as error:
        answer_save(
            participant_id=attempt_in_progress.participant_id,
            attempt_id=attempt_in_progress.pk,
            question_id=row.question_id,
            choice_ids=correct,
            seq=9,
        )
    assert error.value.code == "attempt_finished"


def test_prediction_save_and_its_bounds(attempt_in_progress):
    args = {
        "participant_id": attempt_in_progress.participant_id,
        "attempt_id": attempt_in_progress.pk,
    }
    assert prediction_save(**args, prediction=120, seq=1) is True
    assert prediction_save(**args, prediction=5, seq=1) is False
    with pytest.raises(AttemptError):
        prediction_save(**args, prediction=-1, seq=2)
    attempt_in_progress.refresh_from_db()
    assert attempt_in_progress.prediction == 120


def test_record_by_token_maps_tokens_of_this_attempt_only(attempt_in_progress, participant):
    row = attempt_in_progress.answers.first()
    correct, _ = _correct_and_wrong(row)
    token = choice_token(attempt_id=attempt_in_progress.pk, choice_id=correct[0])
    assert attempt_answer_record(
        user_id=participant.user_id,
        attempt_id=attempt_in_progress.pk,
        question_id=row.question_id,
        choice_tokens=[token],
        seq=1,
    )
    row.refresh_from_db()
    assert row.selected == correct[:1]
    foreign = choice_token(attempt_id=attempt_in_progress.pk + 1, choice_id=correct[0])
    with pytest.raises(AttemptError) as error:
        attempt_answer_record(
            user_id=participant.user_id,
            attempt_id=attempt_in_progress.pk,
            question_id=row.question_id,
            choice_tokens=[foreign],
            seq=2,
        )
    assert error.value.code == "invalid_choice"
    with pytest.raises(AttemptError) as error:
        attempt_answer_record(
            user_id=ParticipantFactory().user_id,
            attempt_id=attempt_in_progress.pk,
            question_id=row.question_id,
            choice_tokens=[token],
            seq=3,
        )
    assert error.value.code == "attempt_not_found"


# --- submit and expiry ----------------------------------------------------------------------


def _answer_all(attempt, correct_count: int) -> None:
    for index, row in enumerate(attempt.answers.order_by("position")):
        correct, wrong = _correct_and_wrong(row)
        answer_save(
            participant_id=attempt.participant_id,
            attempt_id=attempt.pk,
            question_id=row.question_id,
            choice_ids=correct if index < correct_count else wrong,
            seq=1,
        )


def test_submit_scores_fully_correct_questions_and_times_in_ms(participant, open_round):
    started_at = timezone.now().replace(microsecond=0)
    attempt = attempt_start(participant=participant, round=open_round, now=started_at).attempt
    _answer_all(attempt, correct_count=3)
    submitted = attempt_submit(
        participant_id=participant.pk,
        attempt_id=attempt.pk,
        now=started_at + dt.timedelta(seconds=61, microseconds=1_000),
    )
    assert submitted.state == Attempt.State.SUBMITTED
    assert submitted.score == 3
    assert submitted.duration_ms == 61_001
    participant.refresh_from_db()
    assert participant.profile_locked_at == submitted.submitted_at


def test_multiple_choice_counts_only_when_every_correct_option_is_chosen(participant, open_round):
    attempt = attempt_start(participant=participant, round=open_round).attempt
    rows = list(attempt.answers.all())
    for row in rows:
        content = question_contents(question_ids=[row.question_id])[row.question_id]
        choice = sorted(content.correct_ids)
        if content.kind == "multiple":
            choice = choice[:1]
        answer_save(
            participant_id=participant.pk,
            attempt_id=attempt.pk,
            question_id=row.question_id,
            choice_ids=choice,
            seq=1,
        )
    multiple = sum(
        question_contents(question_ids=[r.question_id])[r.question_id].kind == "multiple"
        for r in rows
    )
    submitted = attempt_submit(participant_id=participant.pk, attempt_id=attempt.pk)
    assert submitted.score == len(rows) - multiple


def test_submit_is_idempotent(attempt_in_progress):
    first = attempt_submit(
        participant_id=attempt_in_progress.participant_id, attempt_id=attempt_in_progress.pk
    )
    second = attempt_submit(
        participant_id=attempt_in_progress.participant_id,
        attempt_id=attempt_in_progress.pk,
        now=timezone.now() + dt.timedelta(seconds=30),
    )
    assert (second.submitted_at, second.score, second.state) == (
        first.submitted_at,
        first.score,
        first.state,
    )


def test_submit_of_someone_elses_attempt_is_refused(attempt_in_progress):
    with pytest.raises(AttemptError) as error:
        attempt_submit(participant_id=ParticipantFactory().pk, attempt_id=attempt_in_progress.pk)
    assert error.value.status == 404
    attempt_in_progress.refresh_from_db()
    assert attempt_in_progress.state == Attempt.State.IN_PROGRESS


def test_submit_stores_the_answers_the_form_carried(attempt_in_progress):
    rows = list(attempt_in_progress.answers.order_by("position"))
    answers = {row.question_id: _correct_and_wrong(row)[0] for row in rows[:2]}
    submitted = attempt_submit(
        participant_id=attempt_in_progress.participant_id,
        attempt_id=attempt_in_progress.pk,
        answers=answers,
        prediction=42,
    )
    assert submitted.score == 2 and submitted.prediction == 42


def test_submit_with_a_foreign_option_changes_nothing(attempt_in_progress, question_bank):
    row = attempt_in_progress.answers.first()
    drawn = set(attempt_in_progress.answers.values_list("question_id", flat=True))
    outside = next(q for q in question_bank if q.pk not in drawn)
    with pytest.raises(AttemptError):
        attempt_submit(
            participant_id=attempt_in_progress.participant_id,
            attempt_id=attempt_in_progress.pk,
            answers={row.question_id: [outside.choices.first().pk]},
        )
    attempt_in_progress.refresh_from_db()
    assert attempt_in_progress.state == Attempt.State.IN_PROGRESS


def test_submit_within_grace_is_a_submit_at_the_deadline(attempt_in_progress):
    grace = attempt_in_progress.round.contest.grace
    now = attempt_in_progress.deadline + grace - dt.timedelta(milliseconds=1)
    submitted = attempt_submit(
        participant_id=attempt_in_progress.participant_id,
        attempt_id=attempt_in_progress.pk,
        now=now,
    )
    assert submitted.state == Attempt.State.SUBMITTED
    assert submitted.submitted_at == attempt_in_progress.deadline


def test_submit_after_grace_is_an_auto_submit_ignoring_posted_answers(attempt_in_progress):
    _answer_all(attempt_in_progress, correct_count=1)
    rows = list(attempt_in_progress.answers.order_by("position"))
    late = attempt_in_progress.deadline + attempt_in_progress.round.contest.grace
    submitted = attempt_submit(
        participant_id=attempt_in_progress.participant_id,
        attempt_id=attempt_in_progress.pk,
        answers={row.question_id: _correct_and_wrong(row)[0] for row in rows},
        now=late,
    )
    assert submitted.state == Attempt.State.AUTO_SUBMITTED
    assert submitted.submitted_at == attempt_in_progress.deadline
    assert submitted.score == 1


def test_sweep_finalises_only_attempts_past_deadline_plus_grace(attempt_in_progress):
    grace = attempt_in_progress.round.contest.grace
    almost = attempt_in_progress.deadline + grace - dt.timedelta(milliseconds=1)
    assert attempts_finalize_overdue(now=almost) == 0
    assert attempts_finalize_overdue(now=attempt_in_progress.deadline + grace) == 1
    attempt_in_progress.refresh_from_db()
    assert attempt_in_progress.submitted_at == attempt_in_progress.deadline


def test_finalize_query_budget(attempt_in_progress):
    question_contents(
        question_ids=attempt_in_progress.answers.values_list("question_id", flat=True)
    )
    with CaptureQueriesContext(connection) as queries:
        attempt_finalize(
            attempt_id=attempt_in_progress.pk,
            by_participant=True,
            participant_id=attempt_in_progress.participant_id,
        )
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) <= 4


def test_start_query_budget_once_the_pool_is_cached(open_round, question_bank):
    attempt_start(participant=ParticipantFactory(), round=open_round)
    question_contents(question_ids=[q.pk for q in question_bank])
    participant = ParticipantFactory()
    with CaptureQueriesContext(connection) as queries:
        attempt_start(participant=participant, round=open_round)
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) <= 4


def test_start_refused_when_the_pool_is_too_small(participant):
    round = RoundFactory()
    DrawRule.objects.create(round=round, topic=TopicFactory(), difficulty=1, count=2)
    with pytest.raises(AttemptError) as error:
        attempt_start(participant=participant, round=round)
    assert error.value.code == "pool_too_small" and error.value.status == 503
    assert not Attempt.objects.exists()


def test_option_order_is_shuffled_per_attempt(open_round):
    orders = set()
    for _ in range(4):
        attempt = attempt_start(participant=ParticipantFactory(), round=open_round).attempt
        orders.update(tuple(row.choice_order) for row in attempt.answers.all())
    in_written_order = {
        tuple(sorted(order)) for order in orders
    }  # each question's options by id, the order they were written in
    assert orders - in_written_order
