"""Redis down: the cache degrades to misses and dropped writes, never an exception."""

import logging

import pytest
from django.core.cache import caches
from django.test import override_settings

from core import cache as resilient_cache

# Nothing listens on port 1: every call fails at once with a connection error.
UNREACHABLE = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@override_settings(CACHES=UNREACHABLE)
def test_unreachable_redis_degrades_every_operation(caplog):
    cache = caches.create_connection("default")
    resilient_cache._last_warning = 0.0
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert cache.get("k") is None
        assert cache.get("k", "mặc định") == "mặc định"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set("k", 1) is False
        assert cache.add("k", 1, 30) is False
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.delete("k") is False
        assert cache.has_key("k") is False
        with pytest.raises(ValueError):
            cache.incr("k")
    assert "Cache unavailable" in caplog.text
    assert resilient_cache.last_failure_at is not None


def test_reachable_redis_behaves_like_django_redis_cache():
    cache = caches["default"]
    cache.set("key", {"giá trị": 1}, 30)
    assert cache.get("key") == {"giá trị": 1}
    assert cache.add("key", 2, 30) is False
    cache.set("counter", 1, 30)
    assert cache.incr("counter") == 2
    cache.set("forever", 1, None)  # None still means "never expire"
    raw = cache._cache.get_client(write=True)
    assert raw.ttl(cache.make_key("forever")) == -1


def test_one_redis_client_is_reused_per_connection_pool():
    """What the subclass of Django's private client API is for (core/cache.py): a Redis
    version or Django upgrade that changes that API fails here, not in production."""
    client = caches["default"]._cache
    assert client.get_client(write=True) is client.get_client(write=True)
    assert client.get_client(write=True).connection_pool is client._get_connection_pool(True)
