"""The admin index opens on the current contest: its rounds with state and countdown,
participation against the target, links to the reports, the dashboard and each round."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from leaderboard.statistics import participation_refresh
from tests.factories import (
    ContestFactory,
    FinishedAttemptFactory,
    ParticipantFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def season():
    now = timezone.now()
    contest = ContestFactory(
        name="Cuộc thi tìm hiểu chuyển đổi số 2024",
        slug="cds-2024",
        participation_target_percent=80,
    )
    past = RoundFactory(
        contest=contest,
        number=1,
        name="Đợt 1",
        starts_at=now - dt.timedelta(days=10),
        ends_at=now - dt.timedelta(days=6),
    )
    running = RoundFactory(contest=contest, number=2, name="Đợt 2")
    coming = RoundFactory(
        contest=contest,
        number=3,
        name="Đợt 3",
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=7),
    )
    unit = UnitFactory(code="so-tt", name="Sở Thông tin", headcount=10)
    for _person in range(8):
        FinishedAttemptFactory(participant=ParticipantFactory(unit=unit), round=running)
    participation_refresh(contest_id=contest.pk)
    return contest, past, running, coming


def test_the_admin_index_shows_the_current_contest(organiser_client, season):
    _contest, past, running, coming = season
    page = organiser_client.get(reverse("admin:index")).content.decode()
    assert "Cuộc thi hiện tại: Cuộc thi tìm hiểu chuyển đổi số 2024" in page
    assert "Đang diễn ra" in page and "Đóng sau" in page
    assert "Sắp diễn ra" in page and "Mở sau 2 ngày" in page
    assert "Tham gia: <strong>80,0 %</strong> (8/10 người), chỉ tiêu 80 %." in page
    assert "1/1 đơn vị cấp trên đã đạt chỉ tiêu." in page
    assert f'href="{reverse("leaderboard:report")}?cuoc_thi=cds-2024"' in page
    assert f'href="{reverse("leaderboard:dashboard")}?cuoc_thi=cds-2024"' in page
    for round in (past, running, coming):
        assert f'href="{reverse("admin:rounds_round_change", args=[round.pk])}"' in page
        assert f"?cuoc_thi=cds-2024&amp;dot={round.number}" in page
        assert f'href="{reverse("admin:rounds_round_preflight", args=[round.pk])}"' in page


def test_the_dashboard_reads_a_fixed_number_of_queries(
    organiser_client, season, django_assert_max_num_queries
):
    organiser_client.get(reverse("admin:index"))
    with django_assert_max_num_queries(20):
        organiser_client.get(reverse("admin:index"))


def test_staff_without_rounds_see_no_dashboard(client, season):
    client.force_login(UserFactory(is_staff=True))
    page = client.get(reverse("admin:index")).content.decode()
    assert "Cuộc thi hiện tại" not in page


def test_no_contest_no_dashboard(organiser_client):
    page = organiser_client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert "Cuộc thi hiện tại" not in page.content.decode()
