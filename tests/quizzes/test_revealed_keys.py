"""Issue 14, point 4: a question whose key an earlier official round of the contest showed is
not drawn by a later one, unless the organiser allows it for that round; the round admin says
how many such questions its pool holds."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from operations.pipeline import rounds_sweep
from quizzes.models import AttemptAnswer, Question, RoundDrawnQuestion
from quizzes.selectors import answers_revealed
from quizzes.services import attempt_start, attempt_submit
from tests.factories import ContestFactory, ParticipantFactory, QuestionFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def season():
    """Ten questions; round 1 (ended) drew five of them in its attempts; round 2 is open."""
    now = timezone.now()
    contest = ContestFactory(questions_per_attempt=5)
    assert contest.show_answers_after_close  # the default that leaked keys
    questions = QuestionFactory.create_batch(10)
    round1 = RoundFactory(
        contest=contest, number=1, starts_at=now - dt.timedelta(days=10),
        ends_at=now - dt.timedelta(days=6),
    )  # fmt: skip
    round2 = RoundFactory(
        contest=contest, number=2, starts_at=now - dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=1),
    )  # fmt: skip
    people = ParticipantFactory.create_batch(4)
    during_round1 = round1.starts_at + dt.timedelta(hours=1)
    first = attempt_start(participant=people[0], round=round1, now=during_round1).attempt
    attempt_submit(
        participant_id=people[0].pk,
        attempt_id=first.pk,
        now=during_round1 + dt.timedelta(minutes=5),
    )
    shown = set(AttemptAnswer.objects.filter(attempt=first).values_list("question_id", flat=True))
    first.refresh_from_db()
    assert answers_revealed(attempt=first)  # its person sees these five keys now
    return {"contest": contest, "round2": round2, "people": people, "shown": shown,
            "questions": questions}  # fmt: skip


def _drawn_in_round2(season, people) -> set[int]:
    drawn = set()
    for person in people:
        attempt = attempt_start(participant=person, round=season["round2"]).attempt
        drawn |= set(
            AttemptAnswer.objects.filter(attempt=attempt).values_list("question_id", flat=True)
        )
    return drawn


def test_keys_shown_by_a_closed_round_are_not_drawn_later(season):
    rounds_sweep()  # closes round 1, recording what it drew
    assert RoundDrawnQuestion.objects.count() == 5
    drawn = _drawn_in_round2(season, season["people"][1:])
    assert drawn and not drawn & season["shown"]
    assert drawn == {q.pk for q in season["questions"]} - season["shown"]


def test_also_when_the_worker_has_not_closed_the_earlier_round(season):
    assert not RoundDrawnQuestion.objects.exists()
    drawn = _drawn_in_round2(season, season["people"][1:])
    assert not drawn & season["shown"]


def test_the_organiser_may_allow_them_for_one_round(season):
    round2 = season["round2"]
    round2.allow_revealed_questions = True
    round2.save()
    cache.clear()
    Question.objects.exclude(pk__in=season["shown"]).update(is_active=False)
    assert _drawn_in_round2(season, season["people"][1:2]) == season["shown"]


def test_no_exclusion_when_the_contest_does_not_show_answers(season):
    contest = season["contest"]
    contest.show_answers_after_close = False
    contest.save()
    Question.objects.exclude(pk__in=season["shown"]).update(is_active=False)
    assert _drawn_in_round2(season, season["people"][1:2]) == season["shown"]


def test_a_round_with_only_revealed_questions_left_refuses_clearly(season):
    Question.objects.exclude(pk__in=season["shown"]).update(is_active=False)
    from quizzes.services import AttemptError

    with pytest.raises(AttemptError) as error:
        attempt_start(participant=season["people"][1], round=season["round2"])
    assert error.value.status == 503


def test_the_round_admin_says_how_many_revealed_questions_its_pool_holds(organiser_client, season):
    rounds_sweep()
    url = reverse("admin:rounds_round_change", args=[season["round2"].pk])
    page = organiser_client.get(url).content.decode()
    assert "5 câu trong ngân hàng của đợt đã lộ đáp án ở các đợt trước: không được" in page
    assert 'name="allow_revealed_questions"' in page


def test_draw_rules_must_be_satisfiable_without_the_revealed_questions(season):
    from django.core.exceptions import ValidationError

    from quizzes.draw_rules import draw_rules_validate

    rounds_sweep()
    round2 = season["round2"]
    topic = Question.objects.get(pk=next(iter(season["shown"]))).topic
    Question.objects.update(topic=topic)
    with pytest.raises(ValidationError) as error:
        draw_rules_validate(round=round2, rules=[(topic, 2, 6)])
    assert "chỉ có 5 câu" in str(error.value) and "Không tính 5 câu đã lộ đáp án" in str(
        error.value
    )
    draw_rules_validate(round=round2, rules=[(topic, 2, 5)])
    round2.allow_revealed_questions = True
    draw_rules_validate(round=round2, rules=[(topic, 2, 5)])
