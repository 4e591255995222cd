"""The season set-up: N weekly rounds with the directive's windows, prize tiers and draw rules
copied from a chosen round, banks named, overlaps refused."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from quizzes.models import Difficulty, DrawRule, QuestionBank
from rounds.models import Contest, PrizeTier, Round
from tests.factories import ContestFactory, PrizeTierFactory, RoundFactory, TopicFactory

pytestmark = pytest.mark.django_db
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def last_year():
    contest = ContestFactory(name="Cuộc thi 2024", questions_per_attempt=8)
    template = RoundFactory(contest=contest, number=1)
    PrizeTierFactory(round=template, order=1, name="Giải Nhất", count=1, value="2.000.000đ")
    PrizeTierFactory(round=template, order=2, name="Giải Khuyến khích", count=10)
    DrawRule.objects.create(round=template, topic=None, difficulty=Difficulty.EASY, count=6)
    DrawRule.objects.create(
        round=template, topic=TopicFactory(), difficulty=Difficulty.HARD, count=2
    )
    return contest


def test_a_new_contest_with_four_weekly_rounds_copied_from_last_years(organiser_client, last_year):
    url = reverse("admin:rounds_round_season")
    new_bank = QuestionBank.objects.create(name="Ngân hàng 2025", slug="nh-2025")
    data = {
        "new_name": "Cuộc thi tìm hiểu về chuyển đổi số năm 2025",
        "copy_from_contest": last_year.pk,
        "first_day": "2025-09-08",
        "count": 4,
        "days_open": 4,
        "every_days": 7,
        "banks": [new_bank.pk],
    }
    preview = organiser_client.post(url, data | {"preview": "1"})
    assert preview.status_code == 200
    assert len(preview.context["windows"]) == 4
    assert not Contest.objects.filter(name__contains="2025").exists()

    response = organiser_client.post(url, data | {"create": "1"})
    assert response.status_code == 302
    contest = Contest.objects.get(name="Cuộc thi tìm hiểu về chuyển đổi số năm 2025")
    assert contest.slug == "cuoc-thi-tim-hieu-ve-chuyen-doi-so-nam-2025"
    assert not contest.is_active and not contest.is_current  # a draft
    assert contest.questions_per_attempt == 8
    rounds = list(contest.rounds.order_by("number"))
    assert [r.number for r in rounds] == [1, 2, 3, 4]
    for index, round in enumerate(rounds):
        start = dt.datetime(2025, 9, 8, tzinfo=VIETNAM) + dt.timedelta(days=7 * index)
        assert round.starts_at == start and round.starts_at.astimezone(VIETNAM).weekday() == 0
        assert round.ends_at == start + dt.timedelta(days=4)  # Friday 00:00
        assert list(round.prize_tiers.values_list("name", "count", "value")) == [
            ("Giải Nhất", 1, "2.000.000đ"),
            ("Giải Khuyến khích", 10, ""),
        ]
        assert sorted(round.draw_rules.values_list("difficulty", "count")) == [(1, 6), (3, 2)]
    assert set(contest.question_banks.all()) == {new_bank}
    # Last year's contest is untouched.
    assert (
        last_year.rounds.count() == 1
        and PrizeTier.objects.filter(round__contest=last_year).count() == 2
    )


def test_an_overlapping_season_is_refused_whole(organiser_client, last_year):
    contest = ContestFactory(name="Cuộc thi 2025")
    RoundFactory(
        contest=contest,
        number=1,
        starts_at=dt.datetime(2025, 9, 22, tzinfo=VIETNAM),
        ends_at=dt.datetime(2025, 9, 26, tzinfo=VIETNAM),
    )
    data = {
        "contest": contest.pk,
        "first_day": "2025-09-08",
        "count": 4,
        "days_open": 4,
        "every_days": 7,
    }
    preview = organiser_client.post(reverse("admin:rounds_round_season"), data | {"preview": "1"})
    assert "trùng với “Đợt 1”" in preview.content.decode()
    response = organiser_client.post(reverse("admin:rounds_round_season"), data | {"create": "1"})
    assert response.status_code == 200
    assert "trùng với “Đợt 1”" in response.content.decode()
    assert contest.rounds.count() == 1


def test_the_round_form_refuses_an_overlap_and_warns_of_a_non_midnight_window(organiser_client):
    contest = ContestFactory()
    RoundFactory(
        contest=contest,
        number=3,
        starts_at=dt.datetime(2025, 9, 22, tzinfo=VIETNAM),
        ends_at=dt.datetime(2025, 9, 26, tzinfo=VIETNAM),
    )
    data = {
        "contest": contest.pk,
        "number": 4,
        "name": "Đợt 4",
        "starts_at_0": "2025-09-25",
        "starts_at_1": "00:00:00",
        "ends_at_0": "2025-09-29",
        "ends_at_1": "00:00:00",
        "prize_tiers-TOTAL_FORMS": 0,
        "prize_tiers-INITIAL_FORMS": 0,
        "draw_rules-TOTAL_FORMS": 0,
        "draw_rules-INITIAL_FORMS": 0,
    }
    url = reverse("admin:rounds_round_add")
    response = organiser_client.post(url, data)
    assert response.status_code == 200
    assert "Thời gian đợt thi trùng với “Đợt 3”" in response.content.decode()
    data |= {"starts_at_0": "2025-09-29", "starts_at_1": "07:30:00", "ends_at_0": "2025-10-03"}
    response = organiser_client.post(url, data, follow=True)
    assert Round.objects.filter(contest=contest, number=4).exists()
    assert "không phải 00:00" in response.content.decode()
