"""Property-based (Hypothesis) tests of the limits of issue 14, point 3, against the real Redis:
whatever the limits and the timing of the hits, a window never lets more than its count
through, a refusal is not counted, and the time to retry it gives is exactly when the refusing
window ends. And whatever strangers do from any addresses, the owner of an account on a device
where they logged in before always gets in, and every refusal says when to retry (never a 500)."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.ratelimit import Limit, limits_consume
from tests.factories import UserFactory

START = dt.datetime(2024, 9, 9, 8, 0, 0, tzinfo=dt.UTC)
PASSWORD = "mat-khau-an-toan-2024"

limit_specs = st.lists(
    st.builds(
        Limit,
        count=st.integers(min_value=1, max_value=6),
        period_seconds=st.sampled_from([1, 5, 30, 60, 120]),
        per=st.sampled_from(["ip", "phone"]),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda limit: (limit.count, limit.period_seconds, limit.per),
)
hit_times = st.lists(
    st.floats(min_value=0, max_value=300, allow_nan=False), min_size=1, max_size=40
).map(sorted)


def _spec(limits: list[Limit]) -> str:
    return ",".join(f"{limit.count}/{limit.period_seconds}s/{limit.per}" for limit in limits)


@given(limits=limit_specs, times=hit_times)
@settings(max_examples=60, deadline=None, derandomize=True)
def test_no_window_lets_more_than_its_count_through(limits, times):
    cache.clear()
    spec = _spec(limits)
    allowed_at: list[float] = []
    with time_machine.travel(START, tick=False) as clock:
        for offset in times:
            clock.move_to(START + dt.timedelta(seconds=offset))
            wait = limits_consume(
                scope="prop", identities={"ip": "1.2.3.4", "phone": "+84912345678"}, spec=spec
            )
            now = START.timestamp() + offset
            if wait == 0:
                allowed_at.append(now)
                continue
            # The refusal names a limit whose window is full, and ends with it.
            refusing = [
                limit
                for limit in limits
                if sum(
                    1
                    for at in allowed_at
                    if int(at // limit.period_seconds) == int(now // limit.period_seconds)
                )
                >= limit.count
            ]
            assert refusing, (spec, offset)
            assert any(
                int((now + wait) // limit.period_seconds) > int(now // limit.period_seconds)
                and wait <= limit.period_seconds + 1
                for limit in refusing
            )
    for limit in limits:
        windows: dict[int, int] = {}
        for at in allowed_at:
            key = int(at // limit.period_seconds)
            windows[key] = windows.get(key, 0) + 1
        assert max(windows.values(), default=0) <= limit.count, spec
    # Exactly the hits let through were counted: with one limit, every window with more hits
    # than its count let exactly its count through.
    if len(limits) == 1:
        limit = limits[0]
        per_window: dict[int, int] = {}
        for offset in times:
            key = int((START.timestamp() + offset) // limit.period_seconds)
            per_window[key] = per_window.get(key, 0) + 1
        let_through = [int(at // limit.period_seconds) for at in allowed_at]
        for key, hits in per_window.items():
            assert let_through.count(key) == min(hits, limit.count)


events = st.lists(
    st.one_of(
        st.tuples(st.just("stranger"), st.integers(min_value=0, max_value=4)),
        st.tuples(st.just("owner"), st.just(0)),
        st.tuples(st.just("wait"), st.integers(min_value=1, max_value=120)),
    ),
    min_size=1,
    max_size=30,
)


@pytest.mark.django_db
@override_settings(
    RATE_LIMITS={
        "login": "200/m/ip",
        "login_failed": "3/15m/phone_ip,20/15m/ip",
        "login_failed_known_device": "10/15m/device",
        "login_failed_number": "5/h/phone",
        "login_failed_staff": "10/h/phone",
    }
)
@given(story=events)
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_strangers_never_lock_the_owner_out_of_a_known_device(story):
    cache.clear()
    with transaction.atomic():  # each example on its own, rolled back
        _story_play(story)
        transaction.set_rollback(True)


def _story_play(story) -> None:
    UserFactory(phone="+84912345678")
    url = reverse("account_login")
    with time_machine.travel(START, tick=False) as clock:
        owner = Client(REMOTE_ADDR="203.0.113.5")  # the strangers may share its address
        assert owner.post(url, {"login": "0912345678", "password": PASSWORD}).status_code == 302
        owner.logout()
        for kind, value in story:
            if kind == "wait":
                clock.shift(dt.timedelta(seconds=value))
                continue
            if kind == "stranger":
                address = "203.0.113.5" if value == 0 else f"198.51.100.{value}"
                response = Client(REMOTE_ADDR=address).post(
                    url, {"login": "0912 345 678", "password": f"doan-{value}"}
                )
                assert response.status_code in (200, 429)
            else:
                response = owner.post(url, {"login": "0912345678", "password": PASSWORD})
                assert response.status_code == 302, story
                owner.logout()
            if response.status_code == 429:
                assert int(response["Retry-After"]) >= 1
                assert "thử lại sau" in response.content.decode()
