import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command

from participants.models import Unit
from quizzes.models import Difficulty, Question
from rounds.demo import THANH_HOA_SLUG, local_midnight
from rounds.models import Contest, Round

COUNTED_MODELS = [
    "participants.User",
    "participants.Unit",
    "participants.Participant",
    "rounds.Contest",
    "rounds.Round",
    "rounds.PrizeTier",
    "quizzes.Topic",
    "quizzes.Question",
    "quizzes.Choice",
    "quizzes.Attempt",
    "leaderboard.RoundResult",
    "leaderboard.Award",
]


def _counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED_MODELS}


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_data():
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first


@pytest.mark.django_db
def test_seed_demo_builds_the_thanh_hoa_contest_exactly():
    call_command("seed_demo")
    contest = Contest.objects.get(slug=THANH_HOA_SLUG)
    rounds = list(contest.rounds.order_by("number"))
    assert [(r.number, r.starts_at, r.ends_at) for r in rounds] == [
        (1, local_midnight(dt.date(2024, 9, 9)), local_midnight(dt.date(2024, 9, 13))),
        (2, local_midnight(dt.date(2024, 9, 16)), local_midnight(dt.date(2024, 9, 20))),
        (3, local_midnight(dt.date(2024, 9, 23)), local_midnight(dt.date(2024, 9, 27))),
        (4, local_midnight(dt.date(2024, 9, 30)), local_midnight(dt.date(2024, 10, 4))),
    ]
    for round in rounds:  # Monday 00h → Friday 00h
        assert round.starts_at.astimezone(local_midnight(dt.date.today()).tzinfo).weekday() == 0
        assert [t.count for t in round.prize_tiers.order_by("order")] == [1, 2, 3, 5]


@pytest.mark.django_db
def test_seed_demo_has_an_open_round_a_bank_and_a_unit_tree():
    call_command("seed_demo")
    assert any(r.is_open for r in Round.objects.all())
    assert Question.objects.count() >= 80
    assert set(Question.objects.values_list("difficulty", flat=True)) == set(Difficulty.values)
    assert Question.objects.values("topic").distinct().count() >= 4
    root = Unit.objects.get(parent=None)
    kinds = set(root.children.values_list("kind", flat=True))
    assert {Unit.Kind.OFFICE, Unit.Kind.ATTACHED, Unit.Kind.UNION} <= kinds


@pytest.mark.django_db
def test_seed_demo_publishes_ranked_history_of_the_four_2024_rounds():
    from leaderboard.models import Award, RoundResult
    from leaderboard.results import participant_recognition
    from participants.demo import DEMO_PARTICIPANT_PHONE
    from participants.models import Participant
    from participants.phones import normalize_phone

    call_command("seed_demo")
    rounds = Round.objects.filter(contest__slug=THANH_HOA_SLUG).order_by("number")
    assert [r.state for r in rounds] == [Round.State.PUBLISHED] * 4
    for round in rounds:
        results = RoundResult.objects.filter(round=round)
        assert results.count() > 1000
        assert results.filter(rank=1).exists()
        assert round.prediction_actual == results.filter(score=20).count()
        assert Award.objects.filter(round=round).count() >= 11
    assert Participant.objects.values("unit").distinct().count() > 20
    # Answer rows agree with every score, so the per-question statistics have data.
    from django.db.models import Count, F, Q

    from quizzes.models import Attempt
    from quizzes.question_stats import round_question_stats

    mismatched = (
        Attempt.objects.filter(round__in=rounds)
        .annotate(right=Count("answers", filter=Q(answers__is_correct=True)))
        .exclude(right=F("score"))
    )
    assert not mismatched.exists()
    stats = round_question_stats(round_id=rounds[0].pk)
    assert stats and all(row.drawn > 0 for row in stats)
    demo = Participant.objects.get(user__phone=normalize_phone(DEMO_PARTICIPANT_PHONE))
    assert set(participant_recognition(user_id=demo.user_id)) == {rounds[0].pk, rounds[1].pk}
