"""core.admission: places handed out in order of arrival at the configured rate, signed for
their owner."""

import itertools

import pytest
from django.core.cache import cache

from core.admission import place_due, place_read, place_take

pytestmark = pytest.mark.django_db


def test_places_follow_each_other_at_the_rate_in_order_of_arrival():
    cache.delete("admission:q-rate")
    now = 1_800_000_000.123456
    places = [place_take(queue="q-rate", owner=str(n), rate=4.0, now=now) for n in range(50)]

    assert places[0].slot == pytest.approx(now, abs=1e-6)
    gaps = [b.slot - a.slot for a, b in itertools.pairwise(places)]
    assert all(gap == pytest.approx(0.25, abs=1e-6) for gap in gaps)
    assert [p.position(now, 4.0) for p in places[:4]] == [0, 0, 1, 2]
    assert place_due(places[0], now) and place_due(places[1], now)  # a quarter second: served
    assert not place_due(places[2], now)


def test_an_idle_queue_serves_the_next_arrival_at_once():
    cache.delete("admission:q-idle")
    place_take(queue="q-idle", owner="a", rate=1.0, now=1_800_000_000.0)

    later = place_take(queue="q-idle", owner="b", rate=1.0, now=1_800_000_100.0)

    assert later.slot == pytest.approx(1_800_000_100.0, abs=1e-6)


def test_a_place_is_read_back_only_by_its_owner_in_its_queue():
    place = place_take(queue="q-owner", owner="7", rate=10.0)

    assert place_read(queue="q-owner", owner="7", token=place.token).slot == place.slot
    assert place_read(queue="q-owner", owner="8", token=place.token) is None
    assert place_read(queue="q-other", owner="7", token=place.token) is None
    assert place_read(queue="q-owner", owner="7", token=place.token + "x") is None
