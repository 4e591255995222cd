"""Test settings: the suite runs on PostgreSQL and Redis (their default local addresses,
overridable with TEST_DATABASE_URL / TEST_REDIS_URL)."""

import os

os.environ["DATABASE_URL"] = os.environ.get(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest"
)
os.environ["REDIS_URL"] = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("SECRET_KEY", "test-secret-key")

from .base import *  # noqa: F403

DEBUG = False
# Hashing cost matters for the login benchmark, not for tests that create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = "contest-test"  # noqa: F405
SMS_SENDER = "participants.sms.OutboxSmsSender"
