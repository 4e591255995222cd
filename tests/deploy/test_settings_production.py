"""The production settings, loaded in a fresh interpreter as the image does (they read the
environment once, at import)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "k3Yp8w-QvR2mZx9sT4uLc7NbH1jD6fGa0eWoXiUyVrEtSqPnMlKz"


def _environment(**overrides: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "CSRF_", "ALLOWED_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="contest_site.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="thitructuyen.example.gov.vn",
        SITE_URL="https://thitructuyen.example.gov.vn",
        DATABASE_URL=os.environ.get(
            "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest"
        ),
        REDIS_URL=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        ADMIN_URL_PATH="quan-tri-5c1e/",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _run(code: str, **overrides: str | None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_reports_nothing():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"])
def test_a_missing_essential_variable_stops_with_its_name(missing):
    result = _run("", **{missing: None})

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {missing} is not set." in result.stderr


def test_security_settings():
    result = _run(
        "from django.conf import settings as s; print(repr(["
        "s.DEBUG, s.SECRET_KEY == " + repr(SECRET) + ", s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS,"
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        "s.SECURE_PROXY_SSL_HEADER, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY,"
        "s.LOGGING['handlers']['console']['formatter']]))"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        [
            False,
            True,
            ["thitructuyen.example.gov.vn"],
            ["https://thitructuyen.example.gov.vn"],
            True,
            True,
            31536000,
            ("HTTP_X_FORWARDED_PROTO", "https"),
            "DENY",
            "strict-origin-when-cross-origin",
            "json",
        ]
    )


def test_admin_lives_at_the_configured_path():
    result = _run(
        "from django.urls import reverse; print(reverse('admin:index'))",
        ADMIN_URL_PATH="quan-tri-7f3a/",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/quan-tri-7f3a/"


def _example_admin_path() -> str:
    line = next(
        line
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line.startswith("ADMIN_URL_PATH=")
    )
    return line.partition("=")[2].strip()


@pytest.mark.parametrize("path", ["admin/", "/admin", "admin", _example_admin_path(), "", None])
def test_a_guessable_admin_path_stops_the_start(path):
    result = _run("", ADMIN_URL_PATH=path)

    assert result.returncode != 0
    assert "ImproperlyConfigured: ADMIN_URL_PATH is" in result.stderr
    assert "Choose one of your own" in result.stderr


def test_staff_two_factor_cannot_be_switched_off_in_production():
    result = _run(
        "from django.conf import settings; print(settings.STAFF_MFA_REQUIRED)",
        STAFF_MFA_REQUIRED="false",
    )

    assert result.stdout.strip() == "True", result.stderr


def test_debug_cannot_be_switched_on_from_the_environment():
    result = _run("from django.conf import settings; print(settings.DEBUG)", DEBUG="true")

    assert result.stdout.strip() == "False"


@pytest.mark.django_db
def test_plain_http_is_redirected_except_the_health_check():
    from django.db import connection

    server = _environment()["DATABASE_URL"].rsplit("/", 1)[0]
    migrated = f"{server}/{connection.settings_dict['NAME']}"
    result = _run(
        "from django.test import Client; c = Client(HTTP_HOST='thitructuyen.example.gov.vn');"
        "home = c.get('/'); health = c.get('/healthz');"
        "secure = c.get('/healthz', headers={'X-Forwarded-Proto': 'https'});"
        "print(home.status_code, home['Location'], health.status_code, secure.status_code,"
        "secure.has_header('Strict-Transport-Security'))",
        DATABASE_URL=migrated,
    )

    assert result.returncode == 0, result.stderr
    home, location, health, secure, hsts = result.stdout.split()
    assert (home, location) == ("301", "https://thitructuyen.example.gov.vn/")
    assert health == "200"
    assert (secure, hsts) == ("200", "True")
