"""Login, sign-up and SMS limits (issue 14, points 3 and 6), against the real Redis.

Every refusal is a Vietnamese 429 that says when to try again, never a 500. A whole office
behind one address signs up (300 in an hour) and logs in (200 in ten minutes) without a
refusal. SMS are limited per number first, then per address, then by the site's budget per
hour. Wrong passwords are limited per (number, address) and slowed down per number, never a
lockout for everyone, and a device the person logged in on before is not limited by others."""

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from allauth.account import app_settings as allauth_settings
from django.test import Client, override_settings
from django.urls import reverse

from participants import sms
from participants.models import User
from tests.factories import UnitFactory, UserFactory
from tests.participants.test_views import _code_from_outbox, _signup_data

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"
PASSWORD = "mat-khau-an-toan-2024"
START = dt.datetime(2024, 9, 9, 8, 0, 5, tzinfo=dt.UTC)


def _client(address: str = OFFICE) -> Client:
    return Client(REMOTE_ADDR=address)


def _login(client: Client, phone: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": phone, "password": password})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _phone(n: int) -> str:
    return f"09{n:08d}"


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


# --- configuration --------------------------------------------------------------------------


def test_allauth_counts_no_login_signup_or_sms_itself():
    limits = allauth_settings.RATE_LIMITS
    for action in ("login", "signup", "verify_phone"):
        assert not limits.get(action), action  # ours: core.ratelimit, participants.sms
    # Left to allauth: two-factor codes per account (passwords: participants.login_limits).
    assert limits["login_failed"] == "5/5m/key"
    assert allauth_settings.PHONE_VERIFICATION_MAX_ATTEMPTS == 3


def test_rate_limits_enabled_false_switches_allauths_limits_off_too():
    script = (
        "import django; django.setup()\n"
        "from allauth.account import app_settings\n"
        "print(repr(app_settings.RATE_LIMITS))"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "contest_site.settings.test"}
    outputs = {}
    for enabled in ("false", "true"):
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env={**env, "RATE_LIMITS_ENABLED": enabled},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        outputs[enabled] = result.stdout.strip().splitlines()[-1]
    assert outputs["false"] == "{}"
    assert "change_password" in outputs["true"]


# --- sign-up ----------------------------------------------------------------------------------


def test_three_hundred_signups_in_an_hour_from_one_address_all_succeed():
    """Was: the third sign-up within a minute from one address answered 500 (allauth's
    "3/m/ip" on phone codes raised RateLimited inside the sign-up), its account created and
    no SMS sent. A hall of 300 people signing up within the hour from one address."""
    unit = UnitFactory()
    statuses = []
    with time_machine.travel(START, tick=False) as clock:
        for n in range(300):
            client = _client()
            response = client.post(
                reverse("account_signup"), _signup_data(unit, phone=_phone(30_000_000 + n))
            )
            statuses.append(response.status_code)
            clock.shift(dt.timedelta(seconds=11))  # 300 × 11 s < 1 hour
    assert statuses == [302] * 300
    assert User.objects.count() == 300
    assert len(sms.outbox) == 300  # a code to every number
    assert len({phone for phone, _message in sms.outbox}) == 300


def test_a_burst_of_sixty_signups_in_one_minute_from_one_address_succeeds():
    unit = UnitFactory()
    with time_machine.travel(START, tick=False) as clock:
        for n in range(60):
            response = _client().post(
                reverse("account_signup"), _signup_data(unit, phone=_phone(31_000_000 + n))
            )
            assert response.status_code == 302, n
            clock.shift(dt.timedelta(seconds=0.9))
    assert len(sms.outbox) == 60


@override_settings(RATE_LIMITS={"signup": "2/m/ip", "sms": ""})
def test_over_the_signup_limit_is_a_vietnamese_429_with_the_time_to_retry():
    unit = UnitFactory()
    with time_machine.travel(START, tick=False):
        for n in range(2):
            _client().post(
                reverse("account_signup"), _signup_data(unit, phone=_phone(32_000_000 + n))
            )
        refused = _client().post(
            reverse("account_signup"), _signup_data(unit, phone=_phone(32_000_009))
        )
    assert refused.status_code == 429
    assert refused["Retry-After"] == "56"  # the minute's window ends 55 s after 08:00:05
    page = refused.content.decode()
    assert "Vui lòng thử lại sau 56 giây" in page
    assert User.objects.count() == 2


# --- logins -----------------------------------------------------------------------------------


def test_two_hundred_colleagues_log_in_from_one_address_within_ten_minutes():
    """Was: allauth's "30/m/ip" on logins, and its "10/m/ip" failed-login limit counting each
    login in progress as a failure: 20 correct logins at once from one office were refused."""
    users = [UserFactory(phone=f"+8491{n:07d}") for n in range(200)]
    results = []
    with time_machine.travel(START, tick=False) as clock:
        for user in users:
            client = _client()
            response = _login(client, "0" + user.phone[3:])
            results.append((response.status_code, _logged_in(client)))
            clock.shift(dt.timedelta(seconds=2.9))  # 200 × 2.9 s < 10 minutes
    assert results == [(302, True)] * 200


def test_twenty_logins_in_the_same_second_from_one_address_all_succeed():
    users = [UserFactory(phone=f"+8493{n:07d}") for n in range(20)]
    with time_machine.travel(START, tick=False):
        for user in users:
            client = _client()
            assert _login(client, user.phone).status_code == 302
            assert _logged_in(client)


def test_two_logins_within_30_s_to_an_unverified_account_do_not_crash():
    """Was: 500. The second login asks for a second code within allauth's "1/30s/key"."""
    UserFactory(phone="+84912345678", phone_verified=False)
    with time_machine.travel(START, tick=False) as clock:
        first = _login(_client(), "0912345678")
        assert first.status_code == 302 and len(sms.outbox) == 1
        clock.shift(dt.timedelta(seconds=10))
        second = _login(_client(), "0912 345 678")
    assert second.status_code == 429
    page = second.content.decode()
    assert "Chưa gửi được tin nhắn tới số này" in page
    assert "Vui lòng thử lại sau 16 giây" in page  # the 30 s window ends at 08:00:30
    assert int(second["Retry-After"]) == 16
    assert len(sms.outbox) == 1


# --- SMS ------------------------------------------------------------------------------------


def test_sms_are_limited_per_number_first_and_other_numbers_are_not_held_up():
    UserFactory(phone="+84912345678", phone_verified=False)
    UserFactory(phone="+84912345679", phone_verified=False)
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(6):
            _login(_client(), "0912345678")
            clock.shift(dt.timedelta(seconds=31))
        sent_to_first = len(sms.outbox)
        assert _login(_client(), "0912345679").status_code == 302
    assert sent_to_first == 5  # "5/h/phone": the sixth code is refused
    assert len(sms.outbox) == 6


def test_password_reset_sms_from_one_address_are_capped():
    """Was: ≈ 600 SMS an hour from one address through password reset."""
    for n in range(40):
        UserFactory(phone=f"+8494{n:07d}")
    statuses = []
    with time_machine.travel(START, tick=False) as clock:
        for n in range(40):
            response = _client().post(reverse("account_reset_password"), {"phone": f"094{n:07d}"})
            statuses.append(response.status_code)
            clock.shift(dt.timedelta(seconds=20))
    assert len(sms.outbox) == 30  # "30/h/ip" for password-reset SMS
    assert statuses.count(429) == 10
    assert 500 not in statuses


@override_settings(SMS_BUDGET_PER_HOUR=5)
def test_the_sms_budget_per_hour_caps_the_whole_site():
    for n in range(8):
        UserFactory(phone=f"+8495{n:07d}")
    with time_machine.travel(START, tick=False) as clock:
        statuses = [
            _client(f"198.51.100.{n}")
            .post(reverse("account_reset_password"), {"phone": f"095{n:07d}"})
            .status_code
            for n in range(8)
        ]
        assert len(sms.outbox) == 5
        assert statuses[5:] == [429, 429, 429]
        clock.shift(dt.timedelta(hours=1))
        _client("198.51.100.99").post(reverse("account_reset_password"), {"phone": "0950000007"})
    assert len(sms.outbox) == 6  # a new hour, a new budget


def test_a_phone_code_cannot_be_resent_at_once(client):
    client.post(reverse("account_signup"), _signup_data(UnitFactory()))
    assert len(sms.outbox) == 1
    response = client.post(reverse("account_verify_phone"), {"action": "resend"}, follow=True)
    assert len(sms.outbox) == 1  # "1/30s/phone": no second SMS to the same number
    assert "Bạn thao tác quá nhanh" in response.content.decode()


def test_wrong_phone_codes_are_limited_then_the_code_is_void(client):
    client.post(reverse("account_signup"), _signup_data(UnitFactory()))
    code = _code_from_outbox()
    for _ in range(3):
        client.post(reverse("account_verify_phone"), {"code": "SAI-MA"})
    client.post(reverse("account_verify_phone"), {"code": code})
    assert not User.objects.get().phone_verified


# --- wrong passwords (point 6) ---------------------------------------------------------------


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere():
    """Was: 5 wrong passwords for a number anywhere blocked the right password for 5 minutes."""
    UserFactory(phone="+84912345678")
    with time_machine.travel(START, tick=False):
        attacker = _client("198.51.100.66")
        for _ in range(5):
            assert _login(attacker, "0912345678", "doan-mo-1").status_code == 200
        refused = _login(attacker, "0912345678", PASSWORD)
        owner = _client("203.0.113.200")
        assert _login(owner, "0912345678").status_code == 302
    assert refused.status_code == 429
    assert "Bạn đã nhập sai mật khẩu quá nhiều lần" in refused.content.decode()
    assert re.search(r"thử lại sau \d+ phút \(lúc \d\d:\d\d\)", refused.content.decode())
    assert not _logged_in(attacker)
    assert _logged_in(owner)


def test_a_known_device_is_not_locked_out_by_others_at_the_same_address():
    UserFactory(phone="+84912345678")
    with time_machine.travel(START, tick=False) as clock:
        owner = _client()
        assert _login(owner, "0912345678").status_code == 302
        owner.post(reverse("account_logout"))
        clock.shift(dt.timedelta(minutes=1))
        stranger = _client()  # same office address, another device
        for _ in range(12):
            _login(stranger, "0912345678", "doan-mo")
        assert _login(stranger, "0912345678").status_code == 429
        assert _login(owner, "0912345678").status_code == 302
    assert _logged_in(owner)


def test_a_known_device_has_its_own_limit_for_its_own_mistakes():
    UserFactory(phone="+84912345678")
    with time_machine.travel(START, tick=False):
        owner = _client()
        _login(owner, "0912345678")
        owner.post(reverse("account_logout"))
        for _ in range(10):
            _login(owner, "0912345678", "go-nham")
        assert _login(owner, "0912345678").status_code == 429


def test_failures_from_many_addresses_slow_a_number_down_without_locking_it():
    UserFactory(phone="+84912345678")
    with time_machine.travel(START, tick=False) as clock:
        for n in range(25):  # a botnet: one guess from each of 25 addresses
            _login(_client(f"198.51.100.{n}"), "0912345678", f"doan-{n}")
            clock.shift(dt.timedelta(seconds=1))
        clock.move_to(START.replace(minute=2, second=0))
        newcomer = _client("203.0.113.50")
        assert _login(newcomer, "0912345678", "go-nham").status_code == 200  # tried, wrong
        slowed = _login(newcomer, "0912345678")
        assert slowed.status_code == 429  # one try per 30 s for the number
        assert 1 <= int(slowed["Retry-After"]) <= 31
        clock.shift(dt.timedelta(seconds=31))
        assert _login(newcomer, "0912345678").status_code == 302
    assert _logged_in(newcomer)


# --- refusals ------------------------------------------------------------------------------


@override_settings(RATE_LIMITS={"login": "2/m/ip"})
def test_429_page_is_vietnamese_and_says_when():
    with time_machine.travel(START, tick=False):
        for _ in range(2):
            _login(_client(), "0912345678", "x")
        refused = _login(_client(), "0912345678", "x")
    assert refused.status_code == 429
    assert "Vui lòng thử lại sau 56 giây" in refused.content.decode()
    assert refused["Retry-After"] == "56"


@override_settings(RATE_LIMITS={"answer_save": "1/m/user"})
def test_json_endpoints_get_json_429_with_retry_after(attempt_in_progress):
    client = Client()
    client.force_login(attempt_in_progress.participant.user)
    url = reverse("quizzes:save", args=[attempt_in_progress.pk])
    body = json.dumps({"prediction": 5, "seq": 1})
    with time_machine.travel(START, tick=False):
        client.post(url, body, content_type="application/json")
        refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 429
    payload = refused.json()
    assert payload["code"] == "rate_limited" and payload["retry_after"] == 56
    assert "thử lại sau 56 giây" in payload["error"]
