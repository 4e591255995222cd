"""participation_refresh: stored figures and the roll-up arithmetic on a hand-built tree."""

import datetime as dt
import hashlib
import threading

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from leaderboard.models import ActivityStat, Award, ParticipationStat, RoundResult, ScoreStat
from leaderboard.participation import collective_ranking, participation_overall, participation_rows
from leaderboard.statistics import _roll_up, participation_refresh
from operations.pipeline import round_rank
from operations.tasks import participation_refresh_task
from participants.models import Participant
from quizzes.models import Attempt
from rounds.models import Contest, Disqualification, Round
from rounds.services import RoundStateError
from tests.factories import (
    ContestFactory,
    FinishedAttemptFactory,
    ParticipantFactory,
    PrizeTierFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)

from .builders import finished_attempt


@pytest.fixture
def tree_contest(db):
    """root(10) ─┬─ a(20) ── a1(10)
                 └─ b(10)
    Round 1: a1 has 2 people taking part (one twice), a 1, root 1.
    Round 2: one more person of a. A practice round attempt (b) and an unsubmitted person
    (a1) count nowhere but in 'registered'."""
    contest = ContestFactory(participation_target_percent=80)
    root = UnitFactory(code="root", name="Sở", headcount=10)
    a = UnitFactory(code="a", name="Phòng A", parent=root, headcount=20)
    a1 = UnitFactory(code="a1", name="Tổ A1", parent=a, headcount=10)
    b = UnitFactory(code="b", name="Phòng B", parent=root, headcount=10)
    round1 = RoundFactory(contest=contest, number=1)
    round2 = RoundFactory(contest=contest, number=2)
    practice = RoundFactory(contest=contest, number=3, is_practice=True)
    a1_people = ParticipantFactory.create_batch(3, unit=a1)
    a_people = ParticipantFactory.create_batch(4, unit=a)
    root_person = ParticipantFactory(unit=root)
    b_person = ParticipantFactory(unit=b)
    ParticipantFactory(unit=None)
    finished_attempt(participant=a1_people[0], round=round1, score=5)
    finished_attempt(participant=a1_people[0], round=round1, number=2, score=3)
    finished_attempt(participant=a1_people[1], round=round1, score=4)
    finished_attempt(participant=a_people[0], round=round1, score=5)
    finished_attempt(participant=a_people[1], round=round2, score=2)
    finished_attempt(participant=root_person, round=round1, score=1)
    finished_attempt(participant=b_person, round=practice, score=5)
    units = {"root": root, "a": a, "a1": a1, "b": b}
    return contest, units, round1, round2


def stat(contest, unit, round=None):
    return ParticipationStat.objects.get(contest=contest, unit=unit, round=round)


def test_round_figures_roll_children_up_into_parents(tree_contest):
    contest, units, round1, _round2 = tree_contest
    participation_refresh(contest_id=contest.pk)
    a1 = stat(contest, units["a1"], round1)
    assert (a1.participants, a1.participants_total, a1.attempts_total) == (2, 2, 3)
    a = stat(contest, units["a"], round1)
    assert (a.participants, a.participants_total, a.attempts_total) == (1, 3, 4)
    assert a.headcount_total == 30
    assert a.rate_percent == 10.0
    root = stat(contest, units["root"], round1)
    assert (root.participants, root.participants_total, root.attempts_total) == (1, 4, 5)
    assert (root.headcount_total, root.registered_total) == (50, 9)
    assert root.rate_percent == 8.0
    b = stat(contest, units["b"], round1)
    assert (b.participants_total, b.attempts_total, b.registered_total) == (0, 0, 1)


def test_whole_contest_counts_each_person_once_across_rounds(tree_contest):
    contest, units, *_ = tree_contest
    participation_refresh(contest_id=contest.pk)
    a = stat(contest, units["a"])
    assert (a.participants_total, a.attempts_total) == (4, 5)
    root = stat(contest, units["root"])
    assert (root.participants_total, root.attempts_total) == (5, 6)
    overall = participation_overall(contest=contest)
    # Everyone, including the person without a unit (registered only).
    assert (overall.stat.registered, overall.stat.participants, overall.stat.attempts) == (10, 5, 6)


def test_rows_come_in_tree_order_with_gap_to_the_target(tree_contest):
    contest, units, round1, _ = tree_contest
    participation_refresh(contest_id=contest.pk)
    rows = participation_rows(contest=contest, round=round1)
    assert [(row.unit.code, row.depth) for row in rows] == [
        ("root", 0),
        ("a", 1),
        ("a1", 2),
        ("b", 1),
    ]
    a1 = rows[2]
    assert a1.rate == 20.0
    assert a1.gap == 60.0
    assert a1.missing_people == 6  # 80 % of 10 is 8; 2 took part
    limited = participation_rows(
        contest=contest, round=round1, unit_ids={units["a"].pk, units["a1"].pk}
    )
    assert [(row.unit.code, row.depth) for row in limited] == [("a", 0), ("a1", 1)]


def test_refresh_replaces_old_figures_and_stores_activity_and_scores(tree_contest):
    contest, units, round1, _ = tree_contest
    participation_refresh(contest_id=contest.pk)
    first_count = ParticipationStat.objects.filter(contest=contest).count()
    finished_attempt(participant=ParticipantFactory(unit=units["b"]), round=round1, score=5)
    participation_refresh_task(contest.pk)
    assert ParticipationStat.objects.filter(contest=contest).count() == first_count
    assert stat(contest, units["b"], round1).participants == 1
    distribution = dict(ScoreStat.objects.filter(round=round1).values_list("score", "attempts"))
    assert distribution == {5: 3, 3: 1, 4: 1, 1: 1}
    days = ActivityStat.objects.filter(contest=contest, period="day")
    assert sum(day.attempts for day in days) == 7  # the practice round is left out
    assert sum(day.registrations for day in days) == 11  # everyone who signed up
    hours = ActivityStat.objects.filter(contest=contest, period="hour")
    assert sum(hour.attempts for hour in hours) == 7


def test_collective_ranking_applies_minimum_rate_and_headcount(db):
    contest = ContestFactory(collective_min_rate_percent=50, collective_min_headcount=4)
    round1 = RoundFactory(contest=contest)
    high = UnitFactory(code="cao", name="Cao", headcount=4)
    equal = UnitFactory(code="bang", name="Bằng", headcount=4)
    low = UnitFactory(code="thap", name="Thấp", headcount=10)
    small = UnitFactory(code="nho", name="Nhỏ", headcount=2)
    for unit, count in ((high, 3), (equal, 3), (low, 2), (small, 2)):
        for person in ParticipantFactory.create_batch(count, unit=unit):
            finished_attempt(participant=person, round=round1)
    participation_refresh(contest_id=contest.pk)
    ranking = collective_ranking(contest=contest, round=round1)
    assert [(item.rank, item.row.unit.code, item.eligible) for item in ranking] == [
        (1, "bang", True),
        (1, "cao", True),
        (None, "nho", False),
        (None, "thap", False),
    ]
    assert "Dưới 4 người" in ranking[2].reason
    assert "Tỷ lệ dưới" in ranking[3].reason


@given(
    parents=st.lists(st.integers(min_value=-1, max_value=30), min_size=1, max_size=30),
    counts=st.lists(st.integers(min_value=0, max_value=1000), min_size=30, max_size=30),
)
def test_roll_up_adds_each_unit_once_into_every_ancestor(parents, counts):
    # Unit i's parent is an earlier unit (or none): always a forest.
    children: dict[int | None, list[int]] = {}
    parent_of: dict[int, int | None] = {}
    for unit, choice in enumerate(parents):
        parent = choice % unit if unit and choice >= 0 else None
        parent_of[unit] = parent
        children.setdefault(parent, []).append(unit)
    own = {unit: counts[unit] for unit in parent_of}
    totals = _roll_up(own=own, children=children)
    for unit in parent_of:
        expected, stack = 0, [unit]
        while stack:
            current = stack.pop()
            expected += own[current]
            stack.extend(children.get(current, []))
        assert totals[unit] == expected
    assert sum(totals[root] for root in children.get(None, [])) == sum(own.values())


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


def test_people_without_a_unit_count_in_totals_but_not_in_the_units_rate(tree_contest):
    contest, _units, round1, _ = tree_contest
    citizen = ParticipantFactory(unit=None)
    finished_attempt(participant=citizen, round=round1, score=5)
    participation_refresh(contest_id=contest.pk)
    overall = participation_overall(contest=contest, round=round1)
    assert (overall.stat.participants, overall.stat.attempts) == (5, 6)  # the citizen too
    assert (overall.stat.participants_total, overall.stat.attempts_total) == (4, 5)
    assert overall.stat.rate_percent == 8.0  # 4 of the units' 50 people, as the root says


def test_a_finished_round_counts_everyone_registered_by_its_end_and_everyone_who_took_part(db):
    """The per-round "Đã đăng ký" is never below "Đã dự thi": people registered after the
    round ended count only if they took part in it (accounts imported or seeded later)."""
    now = timezone.now()
    contest = ContestFactory()
    ended = RoundFactory(
        contest=contest,
        number=1,
        starts_at=now - dt.timedelta(days=10),
        ends_at=now - dt.timedelta(days=7),
    )
    unit = UnitFactory(code="don-vi-dem", headcount=10)
    took_part = ParticipantFactory.create_batch(3, unit=unit)  # created now, after the end
    ParticipantFactory.create_batch(2, unit=unit)  # created now, never took part
    early = ParticipantFactory(unit=unit)
    Participant.objects.filter(pk=early.pk).update(created_at=now - dt.timedelta(days=8))
    for person in took_part:
        finished_attempt(participant=person, round=ended)
    participation_refresh(contest_id=contest.pk)
    round_stat = stat(contest, unit, ended)
    assert (round_stat.registered_total, round_stat.participants_total) == (4, 3)
    assert stat(contest, unit).registered_total == 6
