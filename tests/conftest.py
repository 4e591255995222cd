import pytest
from django.core.cache import cache

from participants.models import Participant
from quizzes.models import Question
from quizzes.services import attempt_start
from rounds.models import Round

from .factories import ParticipantFactory, QuestionFactory, RoundFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def participant(db) -> Participant:
    return ParticipantFactory()


@pytest.fixture
def question_bank(db) -> list[Question]:
    """Ten single-choice questions (option 0 correct) and two multiple-choice ones."""
    questions = QuestionFactory.create_batch(10)
    questions += QuestionFactory.create_batch(2, kind=Question.Kind.MULTIPLE, choices=[0, 2])
    return questions


@pytest.fixture
def open_round(db, question_bank) -> Round:
    return RoundFactory()


@pytest.fixture
def attempt_in_progress(participant, open_round):
    return attempt_start(participant=participant, round=open_round).attempt
