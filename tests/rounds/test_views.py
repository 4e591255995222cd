import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import ContestFactory, RoundFactory

pytestmark = pytest.mark.django_db
HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def schedule():
    contest = ContestFactory(name="Cuộc thi tìm hiểu chuyển đổi số", summary="Giới thiệu ngắn.")
    rounds = [
        RoundFactory(
            contest=contest,
            number=n,
            name=f"Đợt {n}",
            starts_at=dt.datetime(2024, 9, 9 + 7 * (n - 1), tzinfo=HANOI),
            ends_at=dt.datetime(2024, 9, 13 + 7 * (n - 1), tzinfo=HANOI),
        )
        for n in (1, 2)
    ]
    return contest, rounds


def test_home_during_a_round_shows_dates_states_countdown_and_enter_button(
    client, participant, schedule
):
    contest, rounds = schedule
    client.force_login(participant.user)
    with time_machine.travel(dt.datetime(2024, 9, 12, 23, 0, tzinfo=HANOI), tick=False):
        html = client.get("/").content.decode()
    assert contest.name in html and "Giới thiệu ngắn." in html
    assert "09/09/2024 00:00" in html and "13/09/2024 00:00" in html
    assert "Đang diễn ra" in html and "Sắp diễn ra" in html
    # One hour to the closing of round 1, (3 days + 1 hour) to the opening of round 2.
    assert re.findall(r'data-countdown-seconds="(\d+)"', html) == ["3600", str(3 * 86400 + 3600)]
    assert f'action="{reverse("quizzes:start", args=[rounds[0].pk])}"' in html
    assert "Vào thi" in html and reverse("content:rules") in html


def test_home_between_rounds_has_no_enter_button(client, participant, schedule):
    client.force_login(participant.user)
    with time_machine.travel(dt.datetime(2024, 9, 13, 0, 0, tzinfo=HANOI), tick=False):
        html = client.get("/").content.decode()
    assert "Vào thi" not in html
    assert "Đã kết thúc" in html


def test_home_for_a_visitor_links_enter_to_login(client, schedule):
    with time_machine.travel(dt.datetime(2024, 9, 10, tzinfo=HANOI), tick=False):
        html = client.get("/").content.decode()
    assert "Vào thi" in html and reverse("account_login") in html


def test_rules_page_is_built_from_the_contest(client, schedule):
    contest, _ = schedule
    contest.rules_document_number = "227/TL-BTC"
    contest.rules_document_date = dt.date(2024, 8, 29)
    contest.save()
    html = client.get(reverse("content:rules")).content.decode()
    assert "227/TL-BTC" in html and "29/08/2024" in html
    assert f"{contest.questions_per_attempt} câu hỏi" in html and "20 phút" in html
    assert "Đợt 2" in html
