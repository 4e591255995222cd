"""Per-question statistics of a round, on a hand-built set of attempts."""

import io

import pytest
from openpyxl import load_workbook

from quizzes.bank_export import question_stats_export
from quizzes.bank_selectors import question_pool_counts
from quizzes.models import Attempt, AttemptAnswer, Question
from quizzes.question_stats import round_question_stats, stats_group_size
from rounds.models import Round
from tests.factories import (
    AnsweredLaterAttemptFactory,
    ContestFactory,
    QuestionFactory,
    RoundFactory,
    TopicFactory,
)


def _attempt(round, duration_ms, answers, state=Attempt.State.SUBMITTED):
    """A finished attempt with `answers` = [(question, "letters")], marked like the quiz does."""
    attempt = AnsweredLaterAttemptFactory(round=round, duration_ms=duration_ms)
    if state == Attempt.State.IN_PROGRESS:
        Attempt.objects.filter(pk=attempt.pk).update(
            state=state, submitted_at=None, score=None, duration_ms=None
        )
    score = 0
    for position, (question, letters) in enumerate(answers, start=1):
        choices = list(question.choices.all())
        selected = sorted(choices["ABCD".index(letter)].pk for letter in letters)
        is_correct = selected == sorted(c.pk for c in choices if c.is_correct)
        score += is_correct
        AttemptAnswer.objects.create(
            attempt=attempt,
            question=question,
            position=position,
            choice_order=[c.pk for c in choices],
            selected=selected,
            is_correct=None if state == Attempt.State.IN_PROGRESS else is_correct,
        )
    if state != Attempt.State.IN_PROGRESS:
        Attempt.objects.filter(pk=attempt.pk).update(score=score, question_count=len(answers))
    return attempt


@pytest.fixture
def closed_round_with_attempts(db):
    """Q1 single (A), Q2 single (A; most of the top answered C: a wrong key?), Q3 multiple
    (A + C), Q4 single (A), drawn twice.

        attempt  Q1   Q2   Q3    Q4   score  duration
        a1       A✓   C✗   AC✓   B✗   2      100 ms
        a2       A✓   C✗   A✗    A✓   2      100 ms   (ties a1; a1 has the smaller id)
        a3       B✗   A✓   AC✓   —    2      200 ms
        a4       —✗   A✓   C✗    —    1      300 ms

    Four attempts: the top and bottom 27 % are one attempt each, a1 and a4."""
    round = RoundFactory(state=Round.State.CLOSED)
    q1 = QuestionFactory(text="Câu 1?")
    q2 = QuestionFactory(text="Câu 2?")
    q3 = QuestionFactory(text="Câu 3?", kind=Question.Kind.MULTIPLE, choices=[0, 2])
    q4 = QuestionFactory(text="Câu 4?")
    _attempt(round, 100, [(q1, "A"), (q2, "C"), (q3, "AC"), (q4, "B")])
    _attempt(round, 100, [(q1, "A"), (q2, "C"), (q3, "A"), (q4, "A")])
    _attempt(round, 200, [(q1, "B"), (q2, "A"), (q3, "AC")])
    _attempt(round, 300, [(q1, ""), (q2, "A"), (q3, "C")])
    # Not counted: an attempt in progress, and an attempt of another round.
    _attempt(round, 0, [(q1, "B"), (q2, "B")], state=Attempt.State.IN_PROGRESS)
    _attempt(RoundFactory(), 50, [(q1, "D"), (q2, "D")])
    return round, (q1, q2, q3, q4)


@pytest.mark.django_db
def test_question_statistics_on_a_hand_built_round(closed_round_with_attempts):
    round, (q1, q2, q3, q4) = closed_round_with_attempts
    stats = {s.question_id: s for s in round_question_stats(round_id=round.pk)}
    assert set(stats) == {q1.pk, q2.pk, q3.pk, q4.pk}

    def shares(s):
        return {o.letter: o.percent for o in s.options}

    s1 = stats[q1.pk]
    assert (s1.drawn, s1.correct, s1.correct_percent, s1.blank_percent) == (4, 2, 50.0, 25.0)
    assert shares(s1) == {"A": 50.0, "B": 25.0, "C": 0.0, "D": 0.0}
    assert (s1.upper_drawn, s1.upper_correct, s1.lower_drawn, s1.lower_correct) == (1, 1, 1, 0)
    assert s1.discrimination == 1.0
    assert s1.correct_letters == "A"

    s2 = stats[q2.pk]
    assert (s2.drawn, s2.correct_percent, s2.blank_percent) == (4, 50.0, 0.0)
    assert shares(s2) == {"A": 50.0, "B": 0.0, "C": 50.0, "D": 0.0}
    assert s2.discrimination == -1.0  # the bottom did better than the top: check the key

    s3 = stats[q3.pk]
    assert (s3.drawn, s3.correct_percent) == (4, 50.0)
    assert shares(s3) == {"A": 75.0, "B": 0.0, "C": 75.0, "D": 0.0}
    assert s3.correct_letters == "A, C"
    assert s3.discrimination == 1.0

    s4 = stats[q4.pk]
    assert (s4.drawn, s4.correct, s4.correct_percent) == (2, 1, 50.0)
    assert shares(s4) == {"A": 50.0, "B": 50.0, "C": 0.0, "D": 0.0}
    assert (s4.upper_drawn, s4.lower_drawn) == (1, 0)
    assert s4.discrimination is None  # nobody of the bottom group drew it


@pytest.mark.django_db
def test_statistics_sort_orders(closed_round_with_attempts):
    round, (q1, q2, q3, q4) = closed_round_with_attempts

    def ids(order):
        return [s.question_id for s in round_question_stats(round_id=round.pk, order=order)]

    assert ids("discrimination") == [q2.pk, q1.pk, q3.pk, q4.pk]
    assert ids("-drawn") == [q3.pk, q2.pk, q1.pk, q4.pk]
    assert ids("nonsense") == [q1.pk, q2.pk, q3.pk, q4.pk]


@pytest.mark.django_db
def test_statistics_query_count_does_not_grow_with_attempts(
    closed_round_with_attempts, django_assert_max_num_queries
):
    round, _questions = closed_round_with_attempts
    with django_assert_max_num_queries(5):
        round_question_stats(round_id=round.pk)


@pytest.mark.django_db
def test_statistics_workbook(closed_round_with_attempts):
    round, (q1, q2, _q3, _q4) = closed_round_with_attempts
    content = question_stats_export(round_id=round.pk, order="discrimination")
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][:8] == (
        "Mã câu hỏi",
        "Câu hỏi",
        "Chủ đề",
        "Độ khó",
        "Đáp án đúng",
        "Số lần rút",
        "Trả lời đúng (%)",
        "Bỏ trống (%)",
    )
    assert rows[0][-1] == "Độ phân biệt"
    assert rows[1][:2] == (q2.pk, "Câu 2?")
    assert rows[1][5:12] == (4, 50, 0, 50, 0, 50, 0)
    assert rows[1][-1] == -1
    assert rows[2][0] == q1.pk


@pytest.mark.parametrize(("attempts", "size"), [(0, 0), (1, 0), (2, 1), (4, 1), (10, 3), (100, 27)])
def test_the_top_and_bottom_groups_are_27_percent(attempts, size):
    assert stats_group_size(attempts=attempts) == size


@pytest.mark.django_db
def test_pool_counts_by_topic_and_difficulty():
    topic = TopicFactory()
    QuestionFactory.create_batch(2, topic=topic, difficulty=1)
    QuestionFactory(topic=topic, difficulty=3)
    QuestionFactory(topic=topic, difficulty=3, is_active=False)
    QuestionFactory(topic=topic, difficulty=3, is_practice=True)
    official = RoundFactory()
    practice = RoundFactory(contest=official.contest, is_practice=True)
    assert question_pool_counts(round=official) == {(topic.pk, 1): 2, (topic.pk, 3): 1}
    assert question_pool_counts(round=practice) == {(topic.pk, 3): 1}
    other = RoundFactory(contest=ContestFactory(banks=[]))
    assert question_pool_counts(round=other) == {}
