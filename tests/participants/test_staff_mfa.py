"""Staff and the admin (issue 14, point 7): two-factor authentication with an authenticator
app (allauth's mfa, TOTP) and recovery codes, required before any admin page; the admin's
login is the site's own (same limits, then the code); a limit per staff account over every
address, which a device the organiser used before does not meet."""

import datetime as dt
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.urls import reverse

from participants.services import ORGANISER_GROUP
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_mfa_required")]

PASSWORD = "mat-khau-an-toan-2024"
START = dt.datetime(2024, 9, 9, 8, 0, 5, tzinfo=dt.UTC)


@pytest.fixture
def _mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


@pytest.fixture
def organiser_account(db):
    user = UserFactory(phone="+84900000009", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    return user


def _code(secret: str, at: dt.datetime) -> str:
    return format_hotp_value(hotp_value(secret, int(at.timestamp()) // 30))


def _login(client: Client, phone: str = "0900000009", password: str = PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": phone, "password": password, **extra})


def _enrol(client: Client, at: dt.datetime) -> tuple[str, list[str]]:
    """Through the pages: the password asked again (allauth's rule before a security
    change), the activation form (its secret is in the session), then the recovery codes
    shown after it."""
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 302 and page["Location"].startswith(
        reverse("account_reauthenticate")
    )
    assert "Xác nhận lại mật khẩu" in client.get(page["Location"]).content.decode()
    confirmed = client.post(page["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bật xác thực hai bước" in text and "Google Authenticator" in text
    assert "Activate" not in text
    secret = client.session[SECRET_SESSION_KEY]
    activated = client.post(reverse("mfa_activate_totp"), {"code": _code(secret, at)})
    assert activated.status_code == 302, activated.content.decode()[-2000:]
    codes_page = client.get(activated["Location"]).content.decode()
    listing = re.search(r'<pre class="recovery-codes">(.*?)</pre>', codes_page, re.S).group(1)
    codes = listing.split()
    return secret, codes


def test_staff_without_2fa_are_sent_to_set_it_up_before_the_admin(organiser_account):
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        assert _login(client).status_code == 302
        refused = client.get(reverse("admin:index"))
        assert refused.status_code == 302
        assert refused["Location"].startswith(reverse("mfa_activate_totp"))
        secret, codes = _enrol(client, START)
        assert len(codes) == 10  # recovery codes, shown once set up
        assert Authenticator.objects.filter(user=organiser_account, type="totp").exists()

        # This session signed in with a password only: a code is asked before the admin.
        clock.shift(dt.timedelta(seconds=30))
        again = client.get(reverse("admin:index"))
        assert again["Location"].startswith(reverse("mfa_reauthenticate"))
        confirmed = client.post(
            again["Location"], {"code": _code(secret, START + dt.timedelta(seconds=30))}
        )
        assert confirmed.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200


def test_a_later_login_asks_the_code_and_accepts_a_recovery_code(organiser_account):
    with time_machine.travel(START, tick=False) as clock:
        first = Client()
        _login(first)
        secret, codes = _enrol(first, START)

        clock.shift(dt.timedelta(minutes=5))
        client = Client()
        stage = _login(client)
        assert stage.status_code == 302 and stage["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session
        page = client.get(stage["Location"]).content.decode()
        assert "Xác thực hai bước" in page and "mã 6 số" in page
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert "Mã không đúng" in wrong.content.decode()
        ok = client.post(
            reverse("mfa_authenticate"), {"code": _code(secret, START + dt.timedelta(minutes=5))}
        )
        assert ok.status_code == 302 and "_auth_user_id" in client.session
        assert client.get(reverse("admin:index")).status_code == 200

        # A lost phone: one recovery code, once.
        clock.shift(dt.timedelta(minutes=5))
        lost = Client()
        _login(lost)
        assert lost.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
        assert lost.get(reverse("admin:index")).status_code == 200
        reused = Client()
        _login(reused)
        assert (
            "Mã không đúng"
            in reused.post(reverse("mfa_authenticate"), {"code": codes[0]}).content.decode()
        )


def test_the_admin_login_is_the_sites_login(organiser_account):
    client = Client()
    response = client.get(reverse("admin:login") + "?next=" + reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]
    # A foreign "next" is dropped.
    outside = client.get(reverse("admin:login") + "?next=https://evil.example/")
    assert "evil.example" not in outside["Location"]


def test_participants_are_not_asked_for_a_second_factor():
    UserFactory(phone="+84912345678")
    client = Client()
    response = _login(client, "0912345678")
    assert response.status_code == 302 and response["Location"] != reverse("mfa_authenticate")
    assert "_auth_user_id" in client.session
    assert client.get(reverse("admin:index")).status_code == 302  # not staff: the login


def test_staff_cannot_switch_their_second_factor_off(organiser_account):
    with time_machine.travel(START, tick=False):
        client = Client()
        _login(client)
        _enrol(client, START)
        client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=organiser_account, type="totp").exists()


@override_settings(RATE_LIMITS={"login_failed_staff": "10/h/phone", "login_failed": ""})
def test_a_staff_account_has_a_limit_over_every_address(organiser_account):
    with time_machine.travel(START, tick=False) as clock:
        known = Client(REMOTE_ADDR="203.0.113.9")
        assert _login(known).status_code == 302  # this device is now known
        known.post(reverse("account_logout"))
        for n in range(10):  # ten guesses, each from another address
            _login(Client(REMOTE_ADDR=f"198.51.100.{n}"), password=f"doan-{n}")
            clock.shift(dt.timedelta(seconds=5))
        refused = _login(Client(REMOTE_ADDR="192.0.2.1"))
        assert refused.status_code == 429
        assert "Bạn đã nhập sai mật khẩu quá nhiều lần" in refused.content.decode()
        assert _login(known).status_code == 302  # the organiser's own device
    participant = UserFactory(phone="+84912345678")
    assert not participant.is_staff
