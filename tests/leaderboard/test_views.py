import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from leaderboard.selectors import participant_round_results
from leaderboard.services import provisional_boards_refresh, round_rank
from rounds.models import Round
from rounds.services import round_publish, round_unpublish
from tests.factories import (
    FinishedAttemptFactory,
    ParticipantFactory,
    PrizeTierFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked_round():
    now = timezone.now()
    round = RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))
    PrizeTierFactory(round=round, name="Giải Nhất", count=1, order=1)
    unit = UnitFactory(name="Phòng Người có công")
    winner = ParticipantFactory(
        full_name="Lê Thị Hoa", unit=unit, user=UserFactory(phone="+84912345678")
    )
    FinishedAttemptFactory(round=round, participant=winner, score=5)
    for index in range(60):
        FinishedAttemptFactory(round=round, score=index % 5, duration_ms=100_000 + index)
    round_rank(round_id=round.pk)
    return round


def test_nothing_of_the_ranking_is_public_before_publication(client, ranked_round):
    page = client.get(reverse("leaderboard:round_results", args=[ranked_round.pk]))
    assert page.status_code == 404
    assert "Lê Thị Hoa" not in page.content.decode()
    assert "chưa được Ban Tổ chức công bố" in page.content.decode()
    index = client.get(reverse("leaderboard:results_index"))
    assert ranked_round.name not in index.content.decode()


def test_published_results_show_winners_masked_with_unit_and_paginate(client, ranked_round):
    round_publish(round_id=ranked_round.pk, actor=None)
    page = client.get(reverse("leaderboard:round_results", args=[ranked_round.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Giải Nhất" in body
    assert "Lê Thị Hoa · 09******78" in body
    assert "0912345678" not in body
    assert "Phòng Người có công" in body
    assert "<td>300,000</td>" in body  # the duration in seconds, to the millisecond
    assert "Trang 1/2" in body
    second = client.get(reverse("leaderboard:round_results", args=[ranked_round.pk]), {"trang": 2})
    assert second.status_code == 200
    assert second.content.decode().count("<tr>") == 1 + 11  # header + the last 11 of 61
    index = client.get(reverse("leaderboard:results_index"))
    assert reverse("leaderboard:round_results", args=[ranked_round.pk]) in index.content.decode()


def test_participant_round_results_has_published_rounds_only(ranked_round):
    winner = ParticipantFactory._meta.model.objects.get(full_name="Lê Thị Hoa")
    assert participant_round_results(participant=winner) == {}
    round_publish(round_id=ranked_round.pk, actor=None)
    results = participant_round_results(participant=winner)
    assert list(results) == [ranked_round.pk]
    assert (results[ranked_round.pk].rank, results[ranked_round.pk].score) == (1, 5)


def test_provisional_board_is_read_from_the_cache_and_labelled(client, open_round):
    leader = ParticipantFactory(full_name="Trịnh Văn Nhanh")
    FinishedAttemptFactory(round=open_round, participant=leader, score=5, duration_ms=200_000)
    FinishedAttemptFactory(round=open_round, score=5, duration_ms=300_000)
    url = reverse("leaderboard:provisional_board", args=[open_round.pk])
    before = client.get(url)
    assert before.status_code == 200
    assert "Trịnh Văn Nhanh" not in before.content.decode()  # nothing computed yet
    assert provisional_boards_refresh() == 1
    page = client.get(url)
    body = page.content.decode()
    assert "tạm thời" in body
    assert body.index("Trịnh Văn Nhanh") > 0
    assert "0" + leader.user.phone[3:] not in body


def test_provisional_board_of_a_round_not_open_is_404(client, ranked_round):
    page = client.get(reverse("leaderboard:provisional_board", args=[ranked_round.pk]))
    assert page.status_code == 404
    assert Round.objects.get(pk=ranked_round.pk).state == Round.State.RANKED


def test_home_links_a_published_round_to_its_results(client, ranked_round):
    round_publish(round_id=ranked_round.pk, actor=None)
    page = client.get("/")
    assert reverse("leaderboard:round_results", args=[ranked_round.pk]) in page.content.decode()


def test_results_page_reads_a_fixed_number_of_queries(
    client, ranked_round, django_assert_max_num_queries
):
    round_publish(round_id=ranked_round.pk, actor=None)
    with django_assert_max_num_queries(4):  # round, winners, page count, page rows
        assert (
            client.get(reverse("leaderboard:round_results", args=[ranked_round.pk])).status_code
            == 200
        )


def test_unpublished_results_disappear_again(client, ranked_round):

    round_publish(round_id=ranked_round.pk, actor=None)
    round_unpublish(round_id=ranked_round.pk, actor=None)
    page = client.get(reverse("leaderboard:round_results", args=[ranked_round.pk]))
    assert page.status_code == 404
    assert "Lê Thị Hoa" not in page.content.decode()
