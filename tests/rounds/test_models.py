import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from rounds.demo import local_midnight
from rounds.models import Round
from tests.factories import ContestFactory, RoundFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.django_db
def test_database_refuses_a_round_that_ends_before_it_starts():
    start = local_midnight(dt.date(2024, 9, 13))
    with pytest.raises(IntegrityError):
        RoundFactory(starts_at=start, ends_at=start - dt.timedelta(days=4))


@pytest.mark.django_db
def test_database_refuses_a_round_that_ends_when_it_starts():
    start = local_midnight(dt.date(2024, 9, 9))
    with pytest.raises(IntegrityError):
        RoundFactory(starts_at=start, ends_at=start)


@pytest.mark.django_db
def test_round_number_is_unique_in_its_contest():
    contest = ContestFactory()
    RoundFactory(contest=contest, number=1)
    RoundFactory(number=1)  # another contest may have its own Đợt 1
    with pytest.raises(IntegrityError):
        RoundFactory(contest=contest, number=1)


@pytest.mark.django_db
def test_round_window_is_half_open_in_vietnam_time():
    round = RoundFactory(
        starts_at=local_midnight(dt.date(2024, 9, 9)), ends_at=local_midnight(dt.date(2024, 9, 13))
    )
    last_moment = dt.datetime(2024, 9, 12, 23, 59, 59, 999000, tzinfo=VN)
    end = dt.datetime(2024, 9, 13, 0, 0, 0, 0, tzinfo=VN)
    before_start = dt.datetime(2024, 9, 8, 23, 59, 59, 999000, tzinfo=VN)
    assert round.is_open_at(dt.datetime(2024, 9, 9, 0, 0, tzinfo=VN))
    assert round.is_open_at(last_moment)
    assert not round.is_open_at(end)
    assert not round.is_open_at(before_start)
    assert round.phase_at(before_start) == Round.State.SCHEDULED
    assert round.phase_at(last_moment) == Round.State.OPEN
    assert round.phase_at(end) == Round.State.CLOSED


@pytest.mark.django_db
def test_round_stored_in_utc_starts_at_local_midnight():
    round = RoundFactory(
        starts_at=local_midnight(dt.date(2024, 9, 9)), ends_at=local_midnight(dt.date(2024, 9, 13))
    )
    round.refresh_from_db()
    assert round.starts_at == dt.datetime(2024, 9, 8, 17, 0, tzinfo=dt.UTC)
