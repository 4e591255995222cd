"""Two checkouts testing at once on one machine, and `pytest -n auto`, share nothing: the
database, the cache keys and the Celery broker's keys are named per checkout and per xdist
worker (contest_site/settings/test.py); TEST_DATABASE_URL / TEST_REDIS_URL still override."""

import os
import subprocess
import sys
from pathlib import Path

import redis
from django.conf import settings
from django.core.cache import cache

from contest_site.settings.test import isolated_names

ROOT = Path(__file__).resolve().parents[1]


def _test_settings(**env: str | None) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TEST_")}
    environment.pop("PYTEST_XDIST_WORKER", None)
    environment.update({k: v for k, v in env.items() if v is not None})
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['NAME']); print(s.CACHES['default']['LOCATION']);"
        "print(s.CACHES['default']['KEY_PREFIX']);"
        "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "contest_site.settings.test"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_two_checkouts_and_two_workers_get_different_names():
    one = isolated_names(checkout=Path("/work/wt-17"), worker="")
    other = isolated_names(checkout=Path("/home/lan/contest-platform"), worker="")
    assert one["database_url"] != other["database_url"]
    assert one["key_prefix"] != other["key_prefix"]
    assert one["database_url"].rsplit("/", 1)[1].startswith("contest_wt_17_")
    gw0 = isolated_names(checkout=Path("/work/wt-17"), worker="gw0")
    gw1 = isolated_names(checkout=Path("/work/wt-17"), worker="gw1")
    assert len({one["key_prefix"], gw0["key_prefix"], gw1["key_prefix"]}) == 3
    # The same checkout always gets the same names (a rerun reuses its database).
    assert isolated_names(checkout=Path("/work/wt-17"), worker="gw0") == gw0


def test_make_test_without_overrides_uses_this_checkouts_names_not_a_shared_one():
    expected = isolated_names(checkout=ROOT, worker="")
    name, location, prefix, broker_prefix = _test_settings()
    assert name == expected["database_url"].rsplit("/", 1)[1] != "contest"
    assert location == expected["redis_url"]
    assert prefix == expected["key_prefix"] and broker_prefix == prefix + ":"
    _name, _location, worker_prefix, _broker = _test_settings(PYTEST_XDIST_WORKER="gw3")
    assert worker_prefix.endswith("-gw3") and worker_prefix != prefix
    # The Makefile no longer pins one name for every checkout.
    makefile = (ROOT / "Makefile").read_text()
    assert "/contest\n" not in makefile and "6379/15" not in makefile


def test_the_overrides_still_win():
    name, location, _prefix, _broker = _test_settings(
        TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/mine",
        TEST_REDIS_URL="redis://127.0.0.1:6379/7",
    )
    assert (name, location) == ("mine", "redis://127.0.0.1:6379/7")


def test_this_run_is_isolated_and_clearing_the_cache_spares_other_keys():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    assert settings.CACHES["default"]["KEY_PREFIX"].endswith(f"-{worker or 'main'}")
    if worker:
        assert settings.DATABASES["default"]["NAME"].endswith(f"_{worker}")
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    others = ["another-checkout:1:rank", "celery", "_kombu.binding.celery"]
    for key in others:
        client.set(f"isolation-check:{key}", "kept")
    cache.set("mine", 1)
    try:
        assert cache.get("mine") == 1
        cache.clear()
        assert cache.get("mine") is None
        assert all(client.get(f"isolation-check:{key}") == b"kept" for key in others)
    finally:
        client.delete(*(f"isolation-check:{key}" for key in others))
