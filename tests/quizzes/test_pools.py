"""What a round draws from: the banks its contest names, and rules by difficulty across
topics."""

import pytest

from quizzes.draw_rules import draw_rules_problems
from quizzes.models import Difficulty, DrawRule, QuestionBank
from quizzes.services import AttemptError, question_pool_draw
from tests.factories import ContestFactory, QuestionFactory, RoundFactory, TopicFactory


@pytest.mark.django_db
def test_round_draws_only_from_the_banks_its_contest_names():
    running = RoundFactory(contest=ContestFactory(questions_per_attempt=3))
    own = QuestionFactory.create_batch(3)
    next_year = QuestionBank.objects.create(name="Ngân hàng 2027", slug="nam-2027")
    QuestionFactory.create_batch(20, bank=next_year)
    for _ in range(20):
        assert set(question_pool_draw(round=running, count=3)) == {q.pk for q in own}
    # A draft contest of next year draws from its own bank only.
    draft = RoundFactory(contest=ContestFactory(is_active=False, banks=[next_year]))
    assert set(question_pool_draw(round=draft, count=5)).isdisjoint({q.pk for q in own})


@pytest.mark.django_db
def test_contest_with_no_bank_has_no_pool():
    QuestionFactory.create_batch(5)
    round = RoundFactory(contest=ContestFactory(banks=[]))
    with pytest.raises(AttemptError) as refused:
        question_pool_draw(round=round, count=5)
    assert refused.value.code == "pool_too_small"


@pytest.mark.django_db
def test_rule_of_any_topic_draws_across_topics_without_repeating_the_topic_rules():
    round = RoundFactory(contest=ContestFactory(questions_per_attempt=6))
    first, second = TopicFactory(), TopicFactory()
    first_easy = QuestionFactory.create_batch(3, topic=first, difficulty=Difficulty.EASY)
    second_easy = QuestionFactory.create_batch(3, topic=second, difficulty=Difficulty.EASY)
    QuestionFactory.create_batch(4, topic=second, difficulty=Difficulty.HARD)
    DrawRule.objects.create(round=round, topic=first, difficulty=Difficulty.EASY, count=2)
    DrawRule.objects.create(round=round, topic=None, difficulty=Difficulty.EASY, count=4)
    easy = {q.pk for q in first_easy + second_easy}
    for _ in range(30):
        drawn = question_pool_draw(round=round, count=6)
        assert len(set(drawn)) == 6 and set(drawn) == easy
    # Five easy questions are not enough for 2 of the first topic + 4 of any topic.
    rules = [(first, Difficulty.EASY, 2), (None, Difficulty.EASY, 4)]
    assert draw_rules_problems(round=round, rules=rules) == []
    first_easy[0].is_active = False
    first_easy[0].save()
    problems = draw_rules_problems(round=round, rules=rules)
    assert problems == [
        "Quy tắc “Mọi chủ đề · Dễ” cần 4 câu nhưng ngân hàng thi chính thức chỉ có 3 câu "
        "đang sử dụng."
    ]


@pytest.mark.django_db
def test_existing_questions_and_contests_share_the_default_bank():
    question = QuestionFactory()
    contest = ContestFactory()
    assert question.bank.slug == "ngan-hang-chung"
    assert list(contest.question_banks.all()) == [question.bank]
