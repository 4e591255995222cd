"""quizzes.selectors.attempt_page_state, the quiz page's one query: the same state as the ORM
reads, whatever the answers hold, and only for the attempt's owner. On PostgreSQL it is a
statement prepared once per connection (core.db.prepared); tests/deploy/test_sqlite_page_state.py
runs the same checks on SQLite."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from quizzes.models import Attempt, AttemptAnswer, Question
from quizzes.selectors import AttemptPageState, attempt_page_state
from quizzes.services import answer_save, attempt_start, attempt_submit, prediction_save
from tests.factories import ContestFactory, ParticipantFactory, QuestionFactory, RoundFactory

pytestmark = pytest.mark.django_db


def expected_page_state(attempt_id: int) -> AttemptPageState:
    """The state read through the ORM, field by field."""
    attempt = Attempt.objects.select_related("round__contest", "participant__user").get(
        pk=attempt_id
    )
    contest, user = attempt.round.contest, attempt.participant.user
    return AttemptPageState(
        attempt_id=attempt.pk,
        participant_id=attempt.participant_id,
        state=attempt.state,
        deadline=attempt.deadline,
        grace=contest.grace,
        bind_to_session=contest.bind_attempt_to_session,
        session_key=attempt.session_key or "",
        prediction=attempt.prediction,
        prediction_seq=attempt.prediction_seq,
        answers={row.question_id: (row.selected, row.seq) for row in attempt.answers.all()},
        account_password=user.password,
        account_active=user.is_active,
    )


def attempt_with_answers(*, bind_to_session: bool = False, grace_seconds: int = 5) -> Attempt:
    """An attempt of five questions (three single-choice, two multiple-choice), answered as a
    person would: one single choice, every option of a multiple-choice question, one choice
    cleared again (saved, empty, seq 2), the prediction; two questions left unanswered."""
    QuestionFactory.create_batch(3)
    QuestionFactory.create_batch(2, kind=Question.Kind.MULTIPLE, choices=[0, 2])
    contest = ContestFactory(
        questions_per_attempt=5,
        grace_seconds=grace_seconds,
        bind_attempt_to_session=bind_to_session,
    )
    attempt = attempt_start(
        participant=ParticipantFactory(), round=RoundFactory(contest=contest), session_key="s" * 32
    ).attempt
    rows = {kind: [] for kind in Question.Kind.values}
    for row in attempt.answers.select_related("question").order_by("position"):
        rows[row.question.kind].append(row)
    single, cleared, _ = rows[Question.Kind.SINGLE]
    multiple, _ = rows[Question.Kind.MULTIPLE]
    save = {"participant_id": attempt.participant_id, "attempt_id": attempt.pk}
    answer_save(**save, question_id=single.question_id, choice_ids=[single.choice_order[1]], seq=3)
    answer_save(**save, question_id=multiple.question_id, choice_ids=multiple.choice_order, seq=5)
    answer_save(
        **save, question_id=cleared.question_id, choice_ids=[cleared.choice_order[0]], seq=1
    )
    answer_save(**save, question_id=cleared.question_id, choice_ids=[], seq=2)
    prediction_save(**save, prediction=1234, seq=7)
    return attempt


def page_state_of(attempt: Attempt) -> AttemptPageState | None:
    return attempt_page_state(attempt_id=attempt.pk, user_id=attempt.participant.user_id)


def test_a_fresh_attempt(attempt_in_progress, participant):
    state = page_state_of(attempt_in_progress)
    assert state == expected_page_state(attempt_in_progress.pk)
    assert len(state.answers) == attempt_in_progress.question_count > 0
    assert all(answer == ([], 0) for answer in state.answers.values())
    assert state.prediction is None and state.prediction_seq == 0
    assert state.account_password == participant.user.password and state.account_active
    assert not state.is_finished


def test_answers_selections_and_prediction():
    attempt = attempt_with_answers()
    state = page_state_of(attempt)
    assert state == expected_page_state(attempt.pk)
    saved = sorted((seq, len(selected)) for selected, seq in state.answers.values())
    assert saved == [(0, 0), (0, 0), (2, 0), (3, 1), (5, 4)]
    assert state.prediction == 1234 and state.prediction_seq == 7


def test_an_attempt_without_answer_rows(attempt_in_progress, participant):
    AttemptAnswer.objects.filter(attempt=attempt_in_progress).delete()
    state = page_state_of(attempt_in_progress)
    assert state.answers == {}
    assert state == expected_page_state(attempt_in_progress.pk)


def test_contest_rules_and_finished_attempt():
    attempt = attempt_with_answers(bind_to_session=True, grace_seconds=7)
    attempt_submit(
        participant_id=attempt.participant_id, attempt_id=attempt.pk, session_key="s" * 32
    )
    state = page_state_of(attempt)
    assert state == expected_page_state(attempt.pk)
    assert state.grace.total_seconds() == 7 and state.bind_to_session
    assert state.session_key == "s" * 32 and state.is_finished


def test_only_the_owner_reads_it(attempt_in_progress, participant):
    other = ParticipantFactory()
    assert attempt_page_state(attempt_id=attempt_in_progress.pk, user_id=other.user_id) is None
    assert attempt_page_state(attempt_id=attempt_in_progress.pk + 1000, user_id=0) is None
    assert page_state_of(attempt_in_progress) is not None


def _statements(attempt: Attempt) -> list[str]:
    """The statements attempt_page_state sent, by their first word; its state checked."""
    with CaptureQueriesContext(connection) as captured:
        state = page_state_of(attempt)
    assert state == expected_page_state(attempt.pk)
    return [query["sql"].split(None, 1)[0] for query in captured.captured_queries]


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")


@pytest.mark.django_db(transaction=True)
def test_prepared_once_per_connection(postgresql):
    """One statement each time: the PREPARE travels with the first EXECUTE of a connection; a
    new connection (after CONN_MAX_AGE, an error) prepares it again. Each shows what is saved
    at that moment."""
    attempt = attempt_with_answers()
    connection.close()
    assert _statements(attempt) == ["PREPARE"]
    assert _statements(attempt) == ["EXECUTE"]
    unanswered = attempt.answers.filter(seq=0).order_by("position").first()
    answer_save(
        participant_id=attempt.participant_id,
        attempt_id=attempt.pk,
        question_id=unanswered.question_id,
        choice_ids=unanswered.choice_order[:1],
        seq=9,
    )
    assert _statements(attempt) == ["EXECUTE"]
    assert page_state_of(attempt).answers[unanswered.question_id] == (
        unanswered.choice_order[:1],
        9,
    )
    connection.close()
    assert _statements(attempt) == ["PREPARE"]
    assert _statements(attempt) == ["EXECUTE"]


class _RolledBack(Exception):
    pass


def test_a_lost_prepared_statement_is_prepared_again(postgresql, attempt_in_progress):
    """A server session that lost its prepared statements behind Django's back (DEALLOCATE
    ALL here; a pooler sharing sessions would do this) fails the one call that meets it, and
    the next call prepares the statement again. A transaction rolled back keeps what it
    prepared (PREPARE is not transactional)."""
    page_state_of(attempt_in_progress)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    try:
        with pytest.raises(DatabaseError, match="does not exist"), transaction.atomic():
            page_state_of(attempt_in_progress)
        with pytest.raises(_RolledBack), transaction.atomic():
            assert _statements(attempt_in_progress) == ["PREPARE"]
            raise _RolledBack
        assert _statements(attempt_in_progress) == ["EXECUTE"]
    finally:
        # The other statements this connection prepared are gone too: the tests that follow
        # on it must not meet them.
        connection.prepared_statements.clear()
