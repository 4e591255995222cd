import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from participants.models import Participant
from participants.services import ORGANISER_GROUP
from quizzes.models import Question
from quizzes.services import attempt_start
from rounds.models import Round

from .factories import ParticipantFactory, QuestionFactory, RoundFactory, UserFactory


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


@pytest.fixture
def organiser(db):
    """A "Ban Tổ chức" account: staff in the organisers' group, not a superuser."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    return user


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client
