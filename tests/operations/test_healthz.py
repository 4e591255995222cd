"""/healthz: the view and the selectors behind it, against the real PostgreSQL and Redis, and
against addresses where nothing listens (a closed port) for the failure cases."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.health import heartbeat_cache_key, heartbeat_last
from operations.health import PROCESS_STARTED_AT, SWEEP_HEARTBEAT, health_report
from rounds.models import Round
from tests.factories import ContestFactory, RoundFactory

NOTHING_LISTENS = "redis://127.0.0.1:1/0"
UNREACHABLE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": NOTHING_LISTENS,
    }
}


@pytest.fixture
def url():
    return reverse("operations:healthz")


@pytest.fixture
def swept_now():
    cache.set(heartbeat_cache_key(SWEEP_HEARTBEAT), timezone.now(), timeout=None)


@pytest.mark.django_db
def test_all_services_answering_is_ok(client, url, swept_now):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["status"] == "ok"
    for name in ("database", "cache", "broker", "sweep"):
        assert body["checks"][name]["ok"] is True, name
    assert body["checks"]["sweep"]["age_seconds"] <= 1
    assert body["contest"] is None


@pytest.mark.django_db
def test_reports_each_round_of_the_current_contest(client, url, swept_now):
    now = timezone.now()
    contest = ContestFactory(slug="chuyen-doi-so-2024")
    RoundFactory(
        contest=contest,
        number=1,
        starts_at=now - dt.timedelta(days=8),
        ends_at=now - dt.timedelta(days=4),
        state=Round.State.RANKED,
    )
    RoundFactory(contest=contest, number=2, starts_at=now - dt.timedelta(days=1))
    RoundFactory(
        contest=contest,
        number=3,
        starts_at=now + dt.timedelta(days=6),
        ends_at=now + dt.timedelta(days=10),
    )
    RoundFactory(contest=contest, number=9, is_practice=True)

    body = client.get(url).json()

    assert body["status"] == "ok"
    assert body["contest"]["slug"] == "chuyen-doi-so-2024"
    rounds = body["contest"]["rounds"]
    assert [(r["number"], r["state"], r["phase"], r["lagging"]) for r in rounds] == [
        (1, "ranked", "ranked", False),
        (2, "scheduled", "open", False),
        (3, "scheduled", "scheduled", False),
    ]
    assert dt.datetime.fromisoformat(rounds[2]["starts_at"]).utcoffset() == dt.timedelta(0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ended_ago", "state", "lagging"),
    [
        (dt.timedelta(minutes=1), Round.State.OPEN, False),
        (dt.timedelta(minutes=6), Round.State.OPEN, True),
        (dt.timedelta(minutes=6), Round.State.CLOSED, True),
        (dt.timedelta(minutes=6), Round.State.RANKED, False),
    ],
)
def test_a_round_not_ranked_minutes_after_its_end_degrades(
    client, url, swept_now, ended_ago, state, lagging
):
    now = timezone.now()
    RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - ended_ago, state=state)

    body = client.get(url).json()

    assert body["contest"]["rounds"][0]["lagging"] is lagging
    assert body["status"] == ("degraded" if lagging else "ok")


@pytest.mark.django_db
def test_right_after_a_start_no_sweep_yet_is_ok(client, url, time_machine):
    """The beat sends its first sweep within a minute of starting: until HEALTH_LAG_ALERT after
    the start, a sweep not yet recorded is not a fault (it said "degraded" for that minute)."""
    time_machine.move_to(PROCESS_STARTED_AT + dt.timedelta(seconds=40))
    body = client.get(url).json()
    assert body["status"] == "ok", body
    assert body["checks"]["sweep"]["ok"] is True and body["checks"]["sweep"]["last_at"] is None
    assert body["checks"]["sweep"]["waiting_since_start_seconds"] == 40


@pytest.mark.django_db
def test_no_recent_sweep_degrades_but_still_serves(client, url, time_machine):
    time_machine.move_to(PROCESS_STARTED_AT + dt.timedelta(minutes=6))
    response = client.get(url)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["sweep"] == {
        "ok": False,
        "last_at": None,
        "age_seconds": None,
        "waiting_since_start_seconds": 360,
    }

    cache.set(
        heartbeat_cache_key(SWEEP_HEARTBEAT), timezone.now() - dt.timedelta(minutes=6), timeout=None
    )
    body = client.get(url).json()
    assert body["status"] == "degraded"
    assert body["checks"]["sweep"]["ok"] is False
    assert body["checks"]["sweep"]["age_seconds"] >= 360


@pytest.mark.parametrize(
    "stored",
    [
        dt.datetime(2024, 9, 12, 17, 0, 5, tzinfo=dt.UTC),
        "2024-09-12T17:00:05+00:00",
        "2024-09-13T00:00:05+07:00",
        dt.datetime(2024, 9, 12, 17, 0, 5, tzinfo=dt.UTC).timestamp(),
    ],
)
def test_last_sweep_time_is_read_whatever_its_stored_form(stored):
    cache.set(heartbeat_cache_key(SWEEP_HEARTBEAT), stored, timeout=None)

    assert heartbeat_last(name=SWEEP_HEARTBEAT) == dt.datetime(2024, 9, 12, 17, 0, 5, tzinfo=dt.UTC)


def test_an_unreadable_last_sweep_time_is_none():
    cache.set(heartbeat_cache_key(SWEEP_HEARTBEAT), "hôm qua", timeout=None)

    assert heartbeat_last(name=SWEEP_HEARTBEAT) is None


@pytest.mark.django_db
def test_cache_down_is_degraded_not_an_error(client, url, caplog):
    with override_settings(CACHES=UNREACHABLE_CACHE):
        response = client.get(url)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["sweep"]["ok"] is False
    assert "healthz: cache check failed" in caplog.text


@pytest.mark.django_db
def test_broker_down_is_degraded_not_an_error(client, url, swept_now):
    with override_settings(CELERY_BROKER_URL=NOTHING_LISTENS):
        response = client.get(url)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["cache"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_database_down_is_503(client, url, swept_now):
    RoundFactory()
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=1)
    try:
        response = client.get(url)
    finally:
        connection.close()
        connection.settings_dict.update(original)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert body["checks"]["cache"]["ok"] is True
    assert body["contest"] is None


@pytest.mark.django_db
def test_only_reads_are_allowed(client, url):
    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200


@pytest.mark.django_db
def test_report_queries_the_database_a_bounded_number_of_times(django_assert_max_num_queries):
    RoundFactory.create_batch(3, contest=ContestFactory())

    with django_assert_max_num_queries(4):
        report = health_report()

    assert len(report["contest"]["rounds"]) == 3
