"""The practice round ("Thi thử"): practice pool, unlimited attempts, answers shown at once,
labelled everywhere, and never in rankings or participation statistics."""

import pytest
from django.urls import reverse

from leaderboard.models import ParticipationStat, RoundResult, ScoreStat
from leaderboard.statistics import participation_refresh
from operations.pipeline import round_rank
from quizzes.models import Attempt, Question
from quizzes.selectors import question_contents
from quizzes.services import AttemptError, attempt_start, attempt_submit
from rounds.services import RoundStateError
from tests.factories import ContestFactory, QuestionFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice_round(question_bank):
    """A practice round of a contest allowing one attempt per round, with its own pool of
    five practice questions next to the official bank."""
    QuestionFactory.create_batch(5, is_practice=True)
    contest = ContestFactory(attempts_per_round=1, questions_per_attempt=5)
    return RoundFactory(contest=contest, number=0, name="Thi thử", is_practice=True)


def _submit_all_correct(attempt):
    answers = {}
    for row in attempt.answers.all():
        answers[row.question_id] = sorted(
            question_contents(question_ids=[row.question_id])[row.question_id].correct_ids
        )
    return attempt_submit(
        participant_id=attempt.participant_id, attempt_id=attempt.pk, answers=answers
    )


def test_practice_draws_from_the_practice_pool_only(participant, practice_round):
    attempt = attempt_start(participant=participant, round=practice_round).attempt
    drawn = Question.objects.filter(answers__attempt=attempt)
    assert drawn.count() == 5
    assert all(question.is_practice for question in drawn)


def test_practice_attempts_are_unlimited_but_official_ones_are_not(participant, practice_round):
    for expected_number in (1, 2, 3):
        attempt = attempt_start(participant=participant, round=practice_round).attempt
        assert attempt.number == expected_number
        _submit_all_correct(attempt)
    official = RoundFactory(contest=practice_round.contest, number=1)
    attempt = attempt_start(participant=participant, round=official).attempt
    attempt_submit(participant_id=participant.pk, attempt_id=attempt.pk)
    with pytest.raises(AttemptError) as refused:
        attempt_start(participant=participant, round=official)
    assert refused.value.code == "attempts_used_up"


def test_practice_does_not_lock_the_profile(participant, practice_round):
    _submit_all_correct(attempt_start(participant=participant, round=practice_round).attempt)
    participant.refresh_from_db()
    assert participant.profile_locked_at is None


def test_quiz_page_result_and_history_are_labelled_and_answers_shown_at_once(
    client, participant, practice_round
):
    client.force_login(participant.user)
    client.post(reverse("quizzes:start", args=[practice_round.pk]))
    attempt = Attempt.objects.get(round=practice_round)
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "badge-practice" in page and "Thi thử" in page
    assert "data-prediction" not in page  # no prediction question in practice
    client.post(reverse("quizzes:submit", args=[attempt.pk]))

    result = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "badge-practice" in result
    assert "(đáp án đúng)" in result and "Giải thích." in result  # the round is still open
    assert "Thi thử lượt mới" in result

    history = client.get(reverse("operations:history")).content.decode()
    assert "badge-practice" in history and "không tính xếp hạng" in history
    assert "được tính" not in history


def test_an_open_official_round_still_hides_the_answers(client, participant, open_round):
    client.force_login(participant.user)
    client.post(reverse("quizzes:start", args=[open_round.pk]))
    attempt = Attempt.objects.get()
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    result = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "(đáp án đúng)" not in result and "badge-practice" not in result


def test_practice_attempts_never_count_in_rankings_or_statistics(participant, practice_round):
    _submit_all_correct(attempt_start(participant=participant, round=practice_round).attempt)
    participation_refresh(contest_id=practice_round.contest_id)
    overall = ParticipationStat.objects.get(
        contest=practice_round.contest, round=None, unit__isnull=True
    )
    assert (overall.participants, overall.attempts) == (0, 0)
    assert not ParticipationStat.objects.filter(round=practice_round).exists()
    assert not ScoreStat.objects.filter(round=practice_round).exists()
    with pytest.raises(RoundStateError):
        round_rank(round_id=practice_round.pk)
    assert not RoundResult.objects.filter(round=practice_round).exists()
