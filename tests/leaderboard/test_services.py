"""participation_refresh: stored figures and the roll-up arithmetic on a hand-built tree."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leaderboard.models import ActivityStat, ParticipationStat, ScoreStat
from leaderboard.selectors import collective_ranking, participation_overall, participation_rows
from leaderboard.services import _roll_up, participation_refresh
from leaderboard.tasks import participation_refresh_task
from tests.factories import ContestFactory, ParticipantFactory, RoundFactory, UnitFactory

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
