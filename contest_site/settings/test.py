"""Test settings: the suite runs on PostgreSQL and Redis at their default local addresses.

Names are derived per checkout and per pytest-xdist worker, so two clones testing at once on
one machine (or `pytest -n auto`) never share a database, a cache key or a Celery queue:
- database `contest_<checkout>` (pytest-django makes `test_contest_<checkout>`, plus `_gw0`,
  `_gw1`… under xdist); TEST_DATABASE_URL overrides the name and address;
- Redis: a database number derived from the checkout (TEST_REDIS_URL overrides it), and in it
  every cache key and every broker key under a prefix of the checkout and the worker; the
  cache's clear() removes only its own prefix (participants.cache)."""

import hashlib
import os
import re
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]


def isolated_names(*, checkout: Path, worker: str) -> dict[str, str]:
    """The default database URL, Redis URL and key prefix of a checkout's tests (per worker)."""
    digest = hashlib.sha256(str(checkout).encode()).hexdigest()
    checkout_id = re.sub(r"[^a-z0-9]+", "_", checkout.name.lower()).strip("_")[:20]
    checkout_id = f"{checkout_id}_{digest[:6]}"
    return {
        "database_url": f"postgres://postgres@127.0.0.1:5432/contest_{checkout_id}",
        "redis_url": f"redis://127.0.0.1:6379/{int(digest, 16) % 16}",
        "key_prefix": f"contest-test-{checkout_id}-{worker or 'main'}",
    }


_NAMES = isolated_names(checkout=CHECKOUT, worker=os.environ.get("PYTEST_XDIST_WORKER", ""))
TEST_KEY_PREFIX = _NAMES["key_prefix"]
os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL") or _NAMES["database_url"]
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL") or _NAMES["redis_url"]
os.environ.setdefault("SECRET_KEY", "test-secret-key")

from .base import *  # noqa: E402, F403
from .base import CACHES, CELERY_BROKER_TRANSPORT_OPTIONS  # noqa: E402

DEBUG = False
# Hashing cost matters for the login benchmark, not for tests that create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = TEST_KEY_PREFIX
# kombu prefixes every key it uses (queues, bindings, unacknowledged messages) with this.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "global_keyprefix": f"{TEST_KEY_PREFIX}:",
}
SMS_SENDER = "participants.sms.OutboxSmsSender"
# Admin tests sign organisers in with force_login; the two-factor tests switch this on
# (tests/participants/test_staff_mfa.py).
STAFF_MFA_REQUIRED = False
