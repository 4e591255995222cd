"""core.db.postgresql: Django's connection health check, at most once a second."""

import pytest
from django.db import connections

from core.db.postgresql import base

connection = connections["default"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def pings(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    assert isinstance(connection, base.DatabaseWrapper)
    calls = []
    original = connection.is_usable

    def counting():
        calls.append(1)
        return original()

    monkeypatch.setattr(connection, "is_usable", counting)
    monkeypatch.setattr(connection, "health_check_enabled", True)
    connection.ensure_connection()
    return calls


def _new_request():
    connection.health_check_done = False  # what Django does at each request's start
    connection.close_if_health_check_failed()


def test_a_connection_in_use_is_pinged_once_a_second(pings):
    connection._checked_at = 0.0  # long unchecked
    _new_request()
    assert len(pings) == 1
    for _ in range(5):
        _new_request()
    assert len(pings) == 1  # used within the second: no ping
    connection._checked_at -= base.HEALTH_CHECK_SECONDS + 0.1
    _new_request()
    assert len(pings) == 2  # idle long enough: pinged again before use
    assert connection.is_usable()
