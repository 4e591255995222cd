"""No logins at 00h (issue 18): a participant who signs in during a contest stays signed in
until its last round ends, on a persistent cookie; Argon2id stays at OWASP's minimum."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import get_hasher
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-an-toan-2024"


def _login(client):
    UserFactory(phone="+84912345678")
    response = client.post(
        reverse("account_login"), {"login": "0912 345 678", "password": PASSWORD}
    )
    assert response.status_code == 302
    return response


def test_a_login_during_a_contest_lasts_until_its_last_round_ends(client):
    first = RoundFactory(number=1)
    last_end = timezone.now() + dt.timedelta(days=30)
    RoundFactory(contest=first.contest, number=4, starts_at=last_end - dt.timedelta(days=4),
                 ends_at=last_end)  # fmt: skip
    RoundFactory(contest=first.contest, number=9, is_practice=True,
                 ends_at=last_end + dt.timedelta(days=300))  # fmt: skip
    cache.clear()

    response = _login(client)

    assert abs((client.session.get_expiry_date() - last_end).total_seconds()) < 5
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] and 30 * 86400 - 10 <= int(cookie["max-age"]) <= 30 * 86400
    assert cookie["httponly"]


def test_outside_a_contest_a_login_lasts_the_usual_two_weeks(client, settings):
    RoundFactory(
        starts_at=timezone.now() - dt.timedelta(days=10),
        ends_at=timezone.now() - dt.timedelta(days=6),
    )
    cache.clear()

    _login(client)

    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_a_contest_shorter_than_the_usual_session_does_not_shorten_it(client, settings):
    RoundFactory(ends_at=timezone.now() + dt.timedelta(days=2))
    cache.clear()

    _login(client)

    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_an_inactive_contest_does_not_lengthen_sessions(client, settings):
    RoundFactory(contest__is_active=False, ends_at=timezone.now() + dt.timedelta(days=40))
    cache.clear()

    _login(client)

    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_passwords_are_hashed_with_argon2id_at_owasp_minimum_or_above(settings):
    settings.PASSWORD_HASHERS = ["participants.hashers.ContestArgon2PasswordHasher"]
    encoded = get_hasher("default").encode("mat-khau", "somesaltsomesalt")
    variant, version, params = encoded.split("$")[1:4]
    values = dict(part.split("=") for part in params.split(","))

    assert variant == "argon2id" and version == "v=19"
    # OWASP Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1 at least.
    assert int(values["m"]) >= 19 * 1024 and int(values["t"]) >= 2 and int(values["p"]) >= 1
