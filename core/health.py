"""Health probes of the backing services (database, cache, broker) and heartbeats: a periodic
job records when it last ran, a health page reads it. Nothing here knows the contest; the
/healthz page (operations.health) composes these with the rounds' lifecycle."""

import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from kombu import Connection

logger = logging.getLogger(__name__)

_CACHE_PROBE_KEY = "health:cache-probe"


def health_probe(name: str, probe: Callable[[], None]) -> dict:
    """Run one probe; a failure is reported (its class only: the page is public) and logged."""
    started = time.perf_counter()
    try:
        probe()
    except Exception as error:  # any failure of a backing service is a report, never a 500
        logger.warning("healthz: %s check failed: %r", name, error)
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


def _database_probe() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache_probe() -> None:
    token = uuid.uuid4().hex
    cache.set(_CACHE_PROBE_KEY, token, timeout=30)
    if cache.get(_CACHE_PROBE_KEY) != token:
        raise RuntimeError("cache did not return the value just written")


def _broker_probe() -> None:
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}))
    with Connection(
        settings.CELERY_BROKER_URL, connect_timeout=2, transport_options=options
    ) as broker:
        broker.ensure_connection(max_retries=0, timeout=2)


def database_check() -> dict:
    return health_probe("database", _database_probe)


def cache_check() -> dict:
    return health_probe("cache", _cache_probe)


def broker_check() -> dict:
    return health_probe("broker", _broker_probe)


def heartbeat_cache_key(name: str) -> str:
    return f"health:heartbeat:{name}"


def heartbeat_record(*, name: str, moment: datetime) -> None:
    """Note that the periodic job `name` ran at `moment` (kept until overwritten)."""
    cache.set(heartbeat_cache_key(name), moment.isoformat(), None)


def heartbeat_last(*, name: str) -> datetime | None:
    """When the job `name` last ran, from the cache (None if never recorded or the cache is
    down). An aware datetime, an ISO string or epoch seconds are read."""
    try:
        value = cache.get(heartbeat_cache_key(name))
    except Exception as error:  # the cache check reports the outage
        logger.warning("healthz: cannot read the heartbeat of %s: %r", name, error)
        return None
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)
    return None
