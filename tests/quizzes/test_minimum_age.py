import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from quizzes.services import AttemptError, attempt_start
from tests.factories import ParticipantFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.django_db
def test_minimum_age_is_checked_on_the_day_of_the_attempt(open_round):
    open_round.contest.minimum_age = 18
    open_round.contest.save()
    birthday_tomorrow = ParticipantFactory(date_of_birth=dt.date(2008, 6, 2))
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=VN)):
        open_round.starts_at = dt.datetime(2026, 5, 30, tzinfo=VN)
        open_round.ends_at = dt.datetime(2026, 6, 5, tzinfo=VN)
        open_round.save()
        with pytest.raises(AttemptError) as refused:
            attempt_start(participant=birthday_tomorrow, round=open_round)
        assert refused.value.code == "too_young" and "18 tuổi" in refused.value.message
        eighteen_today = ParticipantFactory(date_of_birth=dt.date(2008, 6, 1))
        assert attempt_start(participant=eighteen_today, round=open_round).attempt.pk
