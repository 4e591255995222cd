"""The home page (`operations:home`): latest announcements, live totals
from the stored statistics, the practice round link, in three queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from content.models import Announcement
from tests.factories import ContestFactory, ParticipantFactory, RoundFactory
from tests.leaderboard.builders import finished_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest():
    contest = ContestFactory(name="Cuộc thi tìm hiểu chuyển đổi số")
    official = RoundFactory(contest=contest, number=1)
    practice = RoundFactory(
        contest=contest,
        number=0,
        name="Thi thử",
        is_practice=True,
        ends_at=timezone.now() + dt.timedelta(days=3650),
    )
    people = ParticipantFactory.create_batch(3)
    for person in people:
        finished_attempt(participant=person, round=official)
    finished_attempt(participant=people[0], round=official, number=2)
    for number in (1, 2, 3, 4):  # practice: never in the totals
        finished_attempt(participant=people[1], round=practice, number=number)
    now = timezone.now()
    Announcement.objects.create(
        contest=contest,
        title="Thông báo của cuộc thi",
        slug="tb-cuoc-thi",
        is_published=True,
        published_at=now,
    )
    Announcement.objects.create(
        title="Thông báo chung",
        slug="tb-chung",
        is_published=True,
        published_at=now - dt.timedelta(days=1),
    )
    Announcement.objects.create(contest=contest, title="Bản nháp", slug="tb-nhap")
    Announcement.objects.create(
        contest=ContestFactory(),
        title="Của cuộc thi khác",
        slug="tb-khac",
        is_published=True,
        published_at=now,
    )
    return contest, practice


def test_home_shows_announcements_totals_and_the_practice_link(client, contest):
    _home_contest, _practice = contest
    page = client.get(reverse("operations:home")).content.decode()
    assert "Thông báo của cuộc thi" in page and "Thông báo chung" in page
    assert "Bản nháp" not in page and "Của cuộc thi khác" not in page
    # Computed on first need: no wait for the periodic refresh of the participation tables.
    assert '<strong class="total-participants">3</strong>' in page
    assert '<strong class="total-attempts">4</strong>' in page
    assert "practice-box" in page
    assert reverse("account_login") in page


def test_totals_follow_new_attempts_within_a_minute_without_the_background_refresh(
    client, contest, time_machine
):
    home_contest, _practice = contest
    home = reverse("operations:home")
    assert '<strong class="total-participants">3</strong>' in client.get(home).content.decode()
    official = home_contest.rounds.get(number=1)
    finished_attempt(participant=ParticipantFactory(), round=official)
    # Kept for a minute (one aggregate query a minute, whatever the traffic)…
    assert '<strong class="total-participants">3</strong>' in client.get(home).content.decode()
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=61))
    page = client.get(home).content.decode()
    assert '<strong class="total-participants">4</strong>' in page
    assert '<strong class="total-attempts">5</strong>' in page


def test_a_signed_in_person_starts_practice_from_the_home_page(client, contest):
    _contest, practice = contest
    client.force_login(ParticipantFactory().user)
    page = client.get(reverse("operations:home")).content.decode()
    assert reverse("quizzes:start", args=[practice.pk]) in page


def test_home_page_query_budget(client, contest, django_assert_max_num_queries):
    # The totals' first computation is the fourth query; then three while they are fresh.
    with django_assert_max_num_queries(4):
        assert client.get(reverse("operations:home")).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("operations:home")).status_code == 200
