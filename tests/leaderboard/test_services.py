import datetime as dt
import hashlib
import threading

import pytest
from django.db import connection
from django.utils import timezone

from leaderboard.models import Award, RoundResult
from leaderboard.services import round_rank
from quizzes.models import Attempt
from rounds.models import Contest, Disqualification, Round
from rounds.services import RoundStateError
from tests.factories import (
    ContestFactory,
    FinishedAttemptFactory,
    ParticipantFactory,
    PrizeTierFactory,
    RoundFactory,
    UserFactory,
)


@pytest.fixture
def ended_round(db):
    now = timezone.now()
    return RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))


def _finished(round, **kwargs):
    return FinishedAttemptFactory(round=round, **kwargs)


def _ranking(round) -> list[tuple[int, int]]:
    return list(
        RoundResult.objects.filter(round=round)
        .order_by("rank", "participant_id")
        .values_list("participant_id", "rank")
    )


def _results_hash(round) -> str:
    rows = RoundResult.objects.filter(round=round).order_by("participant_id")
    text = "|".join(
        f"{r.participant_id},{r.attempt_id},{r.score},{r.prediction},{r.prediction_error},"
        f"{r.duration_ms},{r.submitted_at.isoformat()},{r.rank}"
        for r in rows
    )
    awards = Award.objects.filter(round=round).order_by("participant_id")
    text += "#" + "|".join(f"{a.participant_id},{a.tier_id},{a.needs_decision}" for a in awards)
    round.refresh_from_db()
    text += f"#{round.prediction_actual}"
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.django_db
class TestRankingKey:
    def test_score_comes_first(self, ended_round):
        low = _finished(ended_round, score=3, duration_ms=1000)
        high = _finished(ended_round, score=5, duration_ms=900_000)
        summary = round_rank(round_id=ended_round.pk)
        assert summary.results == 2
        assert _ranking(ended_round) == [(high.participant_id, 1), (low.participant_id, 2)]
        ended_round.refresh_from_db()
        assert ended_round.state == Round.State.RANKED
        assert ended_round.ranked_at is not None

    def test_prediction_error_breaks_equal_scores_and_no_prediction_is_last(self, ended_round):
        # Three full marks: actual = 3.
        none = _finished(ended_round, prediction=None, duration_ms=1000)
        far = _finished(ended_round, prediction=10, duration_ms=2000)  # error 7
        exact = _finished(ended_round, prediction=3, duration_ms=3000)  # error 0
        round_rank(round_id=ended_round.pk)
        ended_round.refresh_from_db()
        assert ended_round.prediction_actual == 3
        assert _ranking(ended_round) == [
            (exact.participant_id, 1),
            (far.participant_id, 2),
            (none.participant_id, 3),
        ]
        errors = dict(
            RoundResult.objects.filter(round=ended_round).values_list(
                "participant_id", "prediction_error"
            )
        )
        assert errors == {exact.participant_id: 0, far.participant_id: 7, none.participant_id: None}

    def test_prediction_error_counts_above_and_below_alike(self, ended_round):
        # actual = 2 (both full marks): predictions 1 and 3 are both 1 away → duration decides.
        below = _finished(ended_round, prediction=1, duration_ms=5000)
        above = _finished(ended_round, prediction=3, duration_ms=4000)
        round_rank(round_id=ended_round.pk)
        assert _ranking(ended_round) == [(above.participant_id, 1), (below.participant_id, 2)]

    def test_duration_breaks_equal_score_and_prediction(self, ended_round):
        slow = _finished(ended_round, score=4, prediction=0, duration_ms=200_001)
        fast = _finished(ended_round, score=4, prediction=0, duration_ms=200_000)
        round_rank(round_id=ended_round.pk)
        assert _ranking(ended_round) == [(fast.participant_id, 1), (slow.participant_id, 2)]

    def test_submitted_at_breaks_everything_else_equal(self, ended_round):
        start = ended_round.starts_at + dt.timedelta(hours=2)
        later = _finished(ended_round, score=4, started_at=start + dt.timedelta(seconds=1))
        earlier = _finished(ended_round, score=4, started_at=start)
        round_rank(round_id=ended_round.pk)
        assert _ranking(ended_round) == [(earlier.participant_id, 1), (later.participant_id, 2)]

    def test_equal_keys_share_a_rank_one_one_three(self, ended_round):
        start = ended_round.starts_at + dt.timedelta(hours=2)
        first = _finished(ended_round, score=4, prediction=7, started_at=start)
        tied = _finished(ended_round, score=4, prediction=7, started_at=start)
        third = _finished(ended_round, score=3, started_at=start)
        round_rank(round_id=ended_round.pk)
        assert sorted(_ranking(ended_round)) == sorted(
            [(first.participant_id, 1), (tied.participant_id, 1), (third.participant_id, 3)]
        )


@pytest.mark.django_db
class TestCountedAttempt:
    def _three_attempts(self, round):
        person = ParticipantFactory()
        attempts = [
            _finished(round, participant=person, number=1, score=2),
            _finished(round, participant=person, number=2, score=4),
            _finished(round, participant=person, number=3, score=3),
        ]
        return person, attempts

    @pytest.mark.parametrize(
        ("rule", "expected_number"),
        [
            (Contest.CountedAttempt.BEST, 2),
            (Contest.CountedAttempt.FIRST, 1),
            (Contest.CountedAttempt.LAST, 3),
        ],
    )
    def test_the_contest_rule_picks_one_attempt(self, ended_round, rule, expected_number):
        Contest.objects.filter(pk=ended_round.contest_id).update(counted_attempt=rule)
        person, attempts = self._three_attempts(ended_round)
        round_rank(round_id=ended_round.pk)
        result = RoundResult.objects.get(round=ended_round)
        assert result.participant_id == person.pk
        assert result.attempt_id == attempts[expected_number - 1].pk

    def test_best_uses_the_prediction_between_attempts_of_equal_score(self, ended_round):
        person = ParticipantFactory()
        _finished(ended_round, participant=person, number=1, prediction=50, duration_ms=1000)
        good = _finished(ended_round, participant=person, number=2, prediction=1, duration_ms=9000)
        round_rank(round_id=ended_round.pk)  # actual = 1
        assert RoundResult.objects.get(round=ended_round).attempt_id == good.pk

    def test_actual_counts_people_not_attempts_and_only_counted_ones(self, ended_round):
        Contest.objects.filter(pk=ended_round.contest_id).update(
            counted_attempt=Contest.CountedAttempt.LAST
        )
        twice = ParticipantFactory()
        _finished(ended_round, participant=twice, number=1, score=5)
        _finished(ended_round, participant=twice, number=2, score=5)
        faded = ParticipantFactory()
        _finished(ended_round, participant=faded, number=1, score=5)
        _finished(ended_round, participant=faded, number=2, score=4)  # counted, not full
        round_rank(round_id=ended_round.pk)
        ended_round.refresh_from_db()
        assert ended_round.prediction_actual == 1


@pytest.mark.django_db
class TestExclusions:
    def test_staff_unranked_and_disqualified_are_not_ranked(self, ended_round):
        kept = _finished(ended_round, score=1)
        _finished(ended_round, participant=ParticipantFactory(user=UserFactory(is_staff=True)))
        _finished(ended_round, participant=ParticipantFactory(is_unranked=True))
        cheat = _finished(ended_round)
        Disqualification.objects.create(
            contest=ended_round.contest, participant=cheat.participant, reason="Thi hộ"
        )
        round_rank(round_id=ended_round.pk)
        assert _ranking(ended_round) == [(kept.participant_id, 1)]
        ended_round.refresh_from_db()
        assert ended_round.prediction_actual == 0  # the excluded full marks do not count

    def test_disqualification_in_another_contest_does_not_exclude(self, ended_round):
        attempt = _finished(ended_round)
        Disqualification.objects.create(
            contest=ContestFactory(), participant=attempt.participant, reason="Nhiều tài khoản"
        )
        round_rank(round_id=ended_round.pk)
        assert _ranking(ended_round) == [(attempt.participant_id, 1)]

    def test_practice_rounds_are_never_ranked(self, ended_round):
        Round.objects.filter(pk=ended_round.pk).update(is_practice=True)
        with pytest.raises(RoundStateError):
            round_rank(round_id=ended_round.pk)

    def test_a_round_still_open_or_in_its_grace_is_not_ranked(self, db):
        now = timezone.now()
        round = RoundFactory(
            starts_at=now - dt.timedelta(days=1), ends_at=now - dt.timedelta(seconds=1)
        )
        with pytest.raises(RoundStateError):
            round_rank(round_id=round.pk, now=now)  # grace is 3 s


@pytest.mark.django_db
def test_ranking_twice_gives_the_same_hash_and_keeps_a_published_round_published(ended_round):
    for index in range(30):
        _finished(
            ended_round,
            score=index % 6,
            prediction=index % 4 or None,
            duration_ms=100_000 + (index % 5) * 1000,
        )
    PrizeTierFactory(round=ended_round, count=2, order=1)
    PrizeTierFactory(round=ended_round, count=3, order=2)
    round_rank(round_id=ended_round.pk)
    first = _results_hash(ended_round)
    Round.objects.filter(pk=ended_round.pk).update(state=Round.State.PUBLISHED)
    round_rank(round_id=ended_round.pk)
    assert _results_hash(ended_round) == first
    ended_round.refresh_from_db()
    assert ended_round.state == Round.State.PUBLISHED


@pytest.mark.django_db
class TestPrizes:
    def test_prizes_go_down_the_ranking_tier_by_tier(self, ended_round):
        people = [_finished(ended_round, score=5 - i % 6, duration_ms=1000 + i) for i in range(8)]
        first = PrizeTierFactory(round=ended_round, count=1, order=1)
        second = PrizeTierFactory(round=ended_round, count=2, order=2)
        summary = round_rank(round_id=ended_round.pk)
        assert summary.awards == 3
        assert summary.ties_to_decide == 0
        awards = {a.participant_id: a.tier_id for a in Award.objects.filter(round=ended_round)}
        ranked = [pid for pid, _rank in _ranking(ended_round)]
        assert awards == {ranked[0]: first.pk, ranked[1]: second.pk, ranked[2]: second.pk}
        assert len(people) == 8

    def test_a_tie_at_a_tiers_last_place_is_flagged_for_decision(self, ended_round):
        start = ended_round.starts_at + dt.timedelta(hours=1)
        winner = _finished(ended_round, score=5, started_at=start)
        tied = [_finished(ended_round, score=4, started_at=start) for _ in range(3)]
        after = _finished(ended_round, score=3, started_at=start)
        first = PrizeTierFactory(round=ended_round, count=1, order=1)
        second = PrizeTierFactory(round=ended_round, count=2, order=2)
        third = PrizeTierFactory(round=ended_round, count=1, order=3)
        summary = round_rank(round_id=ended_round.pk)
        awards = {a.participant_id: a for a in Award.objects.filter(round=ended_round)}
        assert awards[winner.participant_id].tier_id == first.pk
        assert not awards[winner.participant_id].needs_decision
        # Three people share the two places of the second tier: all get it, all flagged.
        for attempt in tied:
            assert awards[attempt.participant_id].tier_id == second.pk
            assert awards[attempt.participant_id].needs_decision
        assert awards[after.participant_id].tier_id == third.pk
        assert summary.ties_to_decide == 3

    def test_a_tie_that_fits_the_tier_is_not_flagged(self, ended_round):
        start = ended_round.starts_at + dt.timedelta(hours=1)
        for _ in range(2):
            _finished(ended_round, score=4, started_at=start)
        _finished(ended_round, score=3, started_at=start)
        PrizeTierFactory(round=ended_round, count=2, order=1)
        summary = round_rank(round_id=ended_round.pk)
        assert summary.awards == 2
        assert summary.ties_to_decide == 0

    @pytest.mark.parametrize("scope", [Contest.PrizeScope.CONTEST, Contest.PrizeScope.ROUND])
    def test_per_contest_scope_skips_earlier_winners(self, db, scope):
        now = timezone.now()
        contest = ContestFactory(prize_scope=scope)
        round_one = RoundFactory(
            contest=contest,
            number=1,
            starts_at=now - dt.timedelta(days=10),
            ends_at=now - dt.timedelta(days=8),
        )
        round_two = RoundFactory(
            contest=contest,
            number=2,
            starts_at=now - dt.timedelta(days=4),
            ends_at=now - dt.timedelta(days=2),
        )
        champion, runner_up, third = (
            ParticipantFactory(),
            ParticipantFactory(),
            ParticipantFactory(),
        )
        for round in (round_one, round_two):
            PrizeTierFactory(round=round, count=1, order=1)
            _finished(round, participant=champion, score=5)
            _finished(round, participant=runner_up, score=4)
            _finished(round, participant=third, score=3)
        round_rank(round_id=round_one.pk)
        round_rank(round_id=round_two.pk)
        assert list(
            Award.objects.filter(round=round_one).values_list("participant_id", flat=True)
        ) == [champion.pk]
        winners_two = list(
            Award.objects.filter(round=round_two).values_list("participant_id", flat=True)
        )
        if scope == Contest.PrizeScope.CONTEST:
            assert winners_two == [runner_up.pk]
        else:
            assert winners_two == [champion.pk]
        # The ranking itself is untouched by the prize scope.
        assert RoundResult.objects.get(round=round_two, participant=champion).rank == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_rank_runs_store_one_result_set():
    now = timezone.now()
    round = RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))
    for index in range(40):
        _finished(round, score=index % 6, duration_ms=100_000 + index)
    PrizeTierFactory(round=round, count=3, order=1)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            round_rank(round_id=round.pk)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert RoundResult.objects.filter(round=round).count() == 40
    assert RoundResult.objects.filter(round=round).values("participant").distinct().count() == 40
    assert Award.objects.filter(round=round).count() == 3


@pytest.mark.django_db
def test_an_attempt_left_in_progress_is_submitted_at_its_deadline_and_ranked(ended_round):
    attempt = Attempt.objects.create(
        participant=ParticipantFactory(),
        round=ended_round,
        number=1,
        started_at=ended_round.ends_at - dt.timedelta(minutes=5),
        deadline=ended_round.ends_at,
        question_count=5,
    )
    round_rank(round_id=ended_round.pk)
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.AUTO_SUBMITTED
    assert attempt.submitted_at == ended_round.ends_at
    assert RoundResult.objects.get(round=ended_round).attempt_id == attempt.pk
