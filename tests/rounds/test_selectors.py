import datetime as dt

import pytest

from rounds.demo import local_midnight
from rounds.selectors import duration_label, round_timing_label
from tests.factories import RoundFactory


def test_duration_label_shows_the_two_largest_units_in_vietnamese():
    assert duration_label(seconds=3 * 86400 + 6 * 3600 + 59) == "3 ngày 6 giờ"
    assert duration_label(seconds=4 * 3600 + 12 * 60 + 5) == "4 giờ 12 phút"
    assert duration_label(seconds=45) == "45 giây"
    assert duration_label(seconds=-3) == "0 giây"


@pytest.mark.django_db
def test_round_timing_label_before_during_and_after():
    round = RoundFactory(
        starts_at=local_midnight(dt.date(2024, 9, 9)), ends_at=local_midnight(dt.date(2024, 9, 13))
    )
    before = local_midnight(dt.date(2024, 9, 7))
    assert round_timing_label(round=round, now=before) == "Mở sau 2 ngày"
    during = local_midnight(dt.date(2024, 9, 12)) + dt.timedelta(hours=20)
    assert round_timing_label(round=round, now=during) == "Đóng sau 4 giờ"
    after = local_midnight(dt.date(2024, 9, 13)) + dt.timedelta(minutes=30)
    assert round_timing_label(round=round, now=after) == "Đã đóng 30 phút trước"
