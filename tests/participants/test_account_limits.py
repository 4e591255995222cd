"""allauth's own limits are on: failed logins, phone codes, password-reset codes; its 429 page
is in Vietnamese."""

import pytest
from allauth.account import app_settings as allauth_settings
from django.test import override_settings
from django.urls import reverse

from participants import sms
from participants.models import User
from tests.factories import UnitFactory, UserFactory
from tests.participants.test_views import _code_from_outbox, _signup_data

pytestmark = pytest.mark.django_db


def test_login_phone_code_and_reset_limits_are_configured():
    limits = allauth_settings.RATE_LIMITS
    for action in ("login", "login_failed", "signup", "verify_phone", "change_phone"):
        assert limits.get(action), action
    assert "/key" in limits["verify_phone"] and "/ip" in limits["verify_phone"]
    assert "/key" in limits["reset_password"]
    assert allauth_settings.PHONE_VERIFICATION_MAX_ATTEMPTS == 3


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "3/5m/key"})
def test_failed_logins_for_one_phone_are_limited_in_vietnamese(client):
    UserFactory(phone="+84912345678")
    url = reverse("account_login")
    bad = {"login": "0912345678", "password": "sai-mat-khau"}
    codes = [client.post(url, bad).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    refused = client.post(url, {"login": "0912345678", "password": "mat-khau-an-toan-2024"})
    # allauth refuses even the right password for a while, with a Vietnamese form error.
    assert "Bạn đã nhập sai quá nhiều lần" in refused.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS={"login": "2/m/ip"})
def test_allauth_429_page_is_vietnamese(client):
    url = reverse("account_login")
    for _ in range(2):
        client.post(url, {"login": "0912345678", "password": "x"})
    refused = client.post(url, {"login": "0912345678", "password": "x"})
    assert refused.status_code == 429
    assert "Vui lòng thử lại sau" in refused.content.decode()


def _signed_up(client) -> None:
    sms.outbox.clear()
    client.post(reverse("account_signup"), _signup_data(UnitFactory()))
    assert len(sms.outbox) == 1


def test_a_phone_code_cannot_be_resent_at_once(client):
    _signed_up(client)
    response = client.post(reverse("account_verify_phone"), {"action": "resend"}, follow=True)
    assert len(sms.outbox) == 1  # "1/30s/key": no second SMS to the same number
    assert "Bạn thao tác quá nhanh" in response.content.decode()


def test_wrong_phone_codes_are_limited_then_the_code_is_void(client):
    _signed_up(client)
    code = _code_from_outbox()
    for _ in range(3):
        client.post(reverse("account_verify_phone"), {"code": "SAI-MA"})
    client.post(reverse("account_verify_phone"), {"code": code})
    assert not User.objects.get().phone_verified
    sms.outbox.clear()
