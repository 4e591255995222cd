"""The ranking policy written once: the pages show the attempt the stored ranking counts, and
the plain-Python ranking (quizzes.ranking_policy.ranking_compute) agrees with the SQL one."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaderboard.models import RoundResult
from operations.pipeline import round_rank
from quizzes.ranking_policy import (
    RANKING_KEY,
    order_key,
    order_sql,
    ranking_compute,
    round_candidates,
)
from rounds.models import Contest, Disqualification
from rounds.services import round_publish
from tests.factories import (
    ContestFactory,
    FinishedAttemptFactory,
    ParticipantFactory,
    PrizeTierFactory,
    RoundFactory,
    UserFactory,
)


def _ended_round(**contest):
    now = timezone.now()
    return RoundFactory(
        contest=ContestFactory(questions_per_attempt=20, **contest),
        starts_at=now - dt.timedelta(days=4),
        ends_at=now - dt.timedelta(hours=1),
    )


@pytest.mark.django_db
def test_history_and_result_pages_name_the_attempt_the_ranking_counts(client):
    """The issue's case: #1 = 20/20, prediction 100, 100 s; #3 = 20/20, prediction 8, 500 s;
    actual 6. The ranking counts #3 (prediction first); the pages used to say #1."""
    round = _ended_round()
    person = ParticipantFactory()
    start = round.starts_at + dt.timedelta(hours=1)

    def attempt(number, *, score, prediction, seconds, who=person):
        return FinishedAttemptFactory(
            participant=who,
            round=round,
            number=number,
            question_count=20,
            score=score,
            prediction=prediction,
            duration_ms=seconds * 1000,
            started_at=start + dt.timedelta(hours=number),
        )

    first = attempt(1, score=20, prediction=100, seconds=100)
    attempt(2, score=12, prediction=6, seconds=90)
    third = attempt(3, score=20, prediction=8, seconds=500)
    for _ in range(5):  # five more full marks: actual = 6
        attempt(1, score=20, prediction=None, seconds=800, who=ParticipantFactory())
    round_rank(round_id=round.pk)
    round.refresh_from_db()
    assert round.prediction_actual == 6
    assert RoundResult.objects.get(round=round, participant=person).attempt_id == third.pk

    client.force_login(person.user)
    # Ranked, not yet published: the counted attempt already comes from the stored ranking.
    for published in (False, True):
        if published:
            round_publish(round_id=round.pk, actor=None)
        history = client.get(reverse("operations:history")).content.decode()
        counted_rows = re.findall(r'<tr class="counted">\s*<td[^>]*>(\d+)</td>', history)
        assert counted_rows == ["3"]
        own = client.get(reverse("quizzes:result", args=[first.pk])).content.decode()
        assert "Đây là lượt thi đang được tính" not in own
        assert "Lượt thi đang được tính của bạn là lượt thứ 3" in own
        counted = client.get(reverse("quizzes:result", args=[third.pk])).content.decode()
        assert "Đây là lượt thi đang được tính" in counted


@pytest.mark.django_db
def test_a_disqualified_person_has_no_counted_attempt_once_ranked(client):
    round = _ended_round()
    cheat = FinishedAttemptFactory(round=round, question_count=20, score=20)
    FinishedAttemptFactory(round=round, question_count=20, score=3)
    Disqualification.objects.create(
        contest=round.contest, participant=cheat.participant, reason="Thi hộ"
    )
    round_rank(round_id=round.pk)
    client.force_login(cheat.participant.user)
    history = client.get(reverse("operations:history")).content.decode()
    assert 'class="counted"' not in history
    page = client.get(reverse("quizzes:result", args=[cheat.pk])).content.decode()
    assert "đang được tính" not in page


def test_the_sql_and_python_forms_come_from_one_definition():
    assert order_sql(RANKING_KEY) == (
        "score DESC, CASE WHEN prediction_error IS NULL THEN 1 ELSE 0 END, prediction_error, "
        "duration_ms, submitted_at"
    )

    class Row:
        def __init__(self, score, error, duration, at):
            self.score, self.prediction_error, self.duration_ms, self.submitted_at = (
                score,
                error,
                duration,
                at,
            )

    key = order_key(RANKING_KEY)
    rows = [Row(3, None, 1, 1), Row(3, 0, 9, 9), Row(4, 50, 99, 99), Row(3, 0, 9, 8)]
    assert [(r.score, r.prediction_error, r.submitted_at) for r in sorted(rows, key=key)] == [
        (4, 50, 99),
        (3, 0, 8),
        (3, 0, 9),
        (3, None, 1),
    ]


attempt_strategy = st.tuples(
    st.integers(0, 3),  # score of 3 questions
    st.one_of(st.none(), st.integers(0, 4)),  # prediction
    st.sampled_from([1000, 1001, 2000]),  # duration (ms): 1 ms differences and ties
    st.integers(0, 2),  # start slot: ties of submitted_at
)
person_strategy = st.tuples(
    st.lists(attempt_strategy, min_size=1, max_size=3),
    st.sampled_from(["ranked", "ranked", "ranked", "staff", "unranked", "disqualified"]),
)


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(person_strategy, min_size=0, max_size=8),
    rule=st.sampled_from(list(Contest.CountedAttempt)),
    tiers=st.lists(st.integers(1, 3), max_size=3),
)
def test_python_ranking_agrees_with_the_stored_sql_ranking(people, rule, tiers):
    round = _ended_round(counted_attempt=rule)
    for order, count in enumerate(tiers, start=1):
        PrizeTierFactory(round=round, count=count, order=order)
    base = round.starts_at + dt.timedelta(hours=1)
    for attempts, kind in people:
        person = ParticipantFactory(
            user=UserFactory(is_staff=kind == "staff"), is_unranked=kind == "unranked"
        )
        if kind == "disqualified":
            Disqualification.objects.create(contest=round.contest, participant=person, reason="x")
        for number, (score, prediction, duration, slot) in enumerate(attempts, start=1):
            FinishedAttemptFactory(
                participant=person,
                round=round,
                number=number,
                question_count=3,
                score=score,
                prediction=prediction,
                duration_ms=duration,
                started_at=base + dt.timedelta(seconds=slot),
            )
    summary = round_rank(round_id=round.pk)
    computed = ranking_compute(
        attempts=round_candidates(round_id=round.pk, contest_id=round.contest_id),
        counted_attempt=rule,
    )
    stored = sorted(
        RoundResult.objects.filter(round=round).values_list(
            "participant_id",
            "attempt_id",
            "score",
            "prediction",
            "prediction_error",
            "duration_ms",
            "submitted_at",
            "rank",
        )
    )
    assert summary.prediction_actual == computed.prediction_actual
    assert summary.verified, summary.differences  # the prizes too (leaderboard.verification)
    assert stored == sorted(
        (
            r.participant_id,
            r.attempt_id,
            r.score,
            r.prediction,
            r.prediction_error,
            r.duration_ms,
            r.submitted_at,
            r.rank,
        )
        for r in computed.rows
    )
