"""The 00h queue (issue 18): beyond what the site serves, "Vào thi" answers at once with a light
Vietnamese waiting page that keeps the person's place, shows it, refreshes itself without
JavaScript, and starts the attempt when the place is due, in order of arrival."""

import re
import time

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core import admission
from quizzes.models import Attempt
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def slow_site(settings):
    """A site that serves one start a second."""
    settings.START_QUEUE_RATE = 1.0
    return settings


def _press(client, round):
    return client.post(reverse("quizzes:start", args=[round.pk]))


def _refresh_url(response):
    html = response.content.decode()
    match = re.search(r'<meta http-equiv="refresh" content="(\d+);url=([^"]+)">', html)
    assert match, html
    return int(match.group(1)), match.group(2).replace("&amp;", "&")


def _people(n, client_factory):
    clients = []
    for _ in range(n):
        client = client_factory()
        client.force_login(ParticipantFactory().user)
        clients.append(client)
    return clients


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def test_presses_beyond_the_rate_wait_in_order_of_arrival(slow_site, open_round, client_factory):
    first, second, third = _people(3, client_factory)
    with time_machine.travel(time.time() + 1000, tick=False) as traveller:
        assert _press(first, open_round).status_code == 302  # nobody waiting: served at once
        waiting_second = _press(second, open_round)
        waiting_third = _press(third, open_round)

        assert waiting_second.status_code == waiting_third.status_code == 200
        assert Attempt.objects.count() == 1
        html = waiting_third.content.decode()
        assert "Đang xếp hàng vào thi" in html and "Chỗ của bạn trong hàng đã được giữ" in html
        assert "Còn khoảng 1 người trước bạn" in html
        assert "<script" not in html
        seconds, third_url = _refresh_url(waiting_third)
        assert seconds == 2
        _, second_url = _refresh_url(waiting_second)

        traveller.shift(1.0)
        # The third person's refresh comes first, but their place is not due yet.
        assert third.get(third_url).status_code == 200
        assert second.get(second_url).status_code == 302
        assert Attempt.objects.count() == 2

        traveller.shift(1.0)
        response = third.get(third_url)
        assert response.status_code == 302
        assert response.url.startswith("/bai-thi/")
    assert Attempt.objects.count() == 3


def test_a_late_press_goes_behind_those_already_waiting(slow_site, open_round, client_factory):
    people = _people(4, client_factory)
    with time_machine.travel(time.time() + 2000, tick=False):
        responses = [_press(client, open_round) for client in people]
    seconds = [_refresh_url(r)[0] for r in responses[1:]]
    assert responses[0].status_code == 302
    assert seconds == sorted(seconds) and len(set(seconds)) == 3


def test_a_place_belongs_to_its_account_and_cannot_be_forged(slow_site, open_round, client_factory):
    first, second, third = _people(3, client_factory)
    with time_machine.travel(time.time() + 3000, tick=False) as traveller:
        _press(first, open_round)
        _, url = _refresh_url(_press(second, open_round))
        traveller.shift(5)
        stolen = third.get(url)
        forged = second.get(url[:-3] + "abc")
    assert stolen.status_code == forged.status_code == 400
    assert "Lượt xếp hàng không hợp lệ" in stolen.content.decode()
    assert Attempt.objects.count() == 1


def test_a_process_full_of_starts_sends_the_next_to_the_waiting_page(player_client, open_round):
    limit = admission._limit("attempt_start", 2)
    held = 0
    while limit.acquire(blocking=False):  # other threads are starting attempts
        held += 1
    try:
        response = _press(player_client, open_round)
    finally:
        for _ in range(held):
            limit.release()
    assert held >= 1
    assert response.status_code == 200 and "Đang xếp hàng vào thi" in response.content.decode()
    assert response["Retry-After"] == "1"
    _, url = _refresh_url(response)
    assert player_client.get(url).status_code == 302
    assert Attempt.objects.count() == 1


def test_the_waiting_page_is_in_english_for_english_readers(slow_site, open_round, client_factory):
    first, second = _people(2, client_factory)
    second.cookies["django_language"] = "en"
    with time_machine.travel(time.time() + 4000, tick=False):
        _press(first, open_round)
        html = _press(second, open_round).content.decode()
    translation.activate(settings.LANGUAGE_CODE)  # the request left English active
    assert 'lang="en"' in html and "Đang xếp hàng" not in html


@pytest.fixture
def player_client(client, participant):
    client.force_login(participant.user)
    return client


def test_a_waiting_press_reads_no_account_and_no_table(
    slow_site, open_round, client_factory, django_assert_num_queries
):
    """At 00h most presses end on the waiting page: answered from the session in the cache
    and the queue in Redis, without the account (issue 18)."""
    first, second = _people(2, client_factory)
    with time_machine.travel(time.time() + 5000, tick=False):
        _press(first, open_round)
        with django_assert_num_queries(0):
            response = _press(second, open_round)
    assert response.status_code == 200 and "Bạn sắp đến lượt." in response.content.decode()


def test_a_place_of_a_signed_out_account_never_starts(slow_site, open_round, client_factory):
    """The place is handed out on the session's word; starting makes Django's full check: a
    password changed in the meantime signs the session out instead."""
    first, second = _people(2, client_factory)
    with time_machine.travel(time.time() + 6000, tick=False) as traveller:
        _press(first, open_round)
        _, url = _refresh_url(_press(second, open_round))
        user = (
            Attempt.objects.get()
            .participant.user.__class__.objects.exclude(participant__attempts__isnull=False)
            .get()
        )
        user.set_password("mật-khẩu-mới-2024")
        user.save()
        traveller.shift(5)
        response = second.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert Attempt.objects.count() == 1


def test_english_figures_use_the_plural_forms(slow_site, open_round, client_factory):
    people = _people(3, client_factory)
    for client in people:
        client.cookies["django_language"] = "en"
    with time_machine.travel(time.time() + 7000, tick=False):
        pages = [_press(client, open_round).content.decode() for client in people]
    translation.activate(settings.LANGUAGE_CODE)
    assert "About 1 person ahead of you." in pages[2]
    assert "About 2 seconds to wait." in pages[2]
    assert "Your turn is next." in pages[1] and "About 1 second to wait." in pages[1]


def test_the_page_reloads_at_the_slot_and_at_least_once_a_minute(open_round, client_factory):
    from django.test import override_settings

    people = _people(4, client_factory)
    with (
        override_settings(START_QUEUE_RATE=0.04),
        time_machine.travel(time.time() + 8000, tick=False),
    ):
        responses = [_press(client, open_round) for client in people]
    # One start every 25 s: the second person's slot is 25 s away, the fourth's 75 s.
    assert [_refresh_url(r)[0] for r in responses[1:]] == [25, 50, 60]
    assert responses[3]["Retry-After"] == "60"
