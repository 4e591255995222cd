"""Phone numbers are ASCII digits only: "098１…" (a full-width digit) or other scripts' digits
get the Vietnamese "invalid number" message at sign-up, login and password reset, never a 500
and never a stored number that no one can type again."""

import pytest
from django.urls import reverse

from participants.models import User
from participants.phones import INVALID_PHONE_MESSAGE, normalize_phone
from tests.factories import UnitFactory, UserFactory
from tests.participants.test_views import _signup_data

pytestmark = pytest.mark.django_db

UNICODE_DIGITS = [
    "098１234567",
    "０９８７６５４３２１",
    "09٨7654321",
    "+84 98７ 654 321",
    "0987654３²1",
]


@pytest.mark.parametrize("raw", UNICODE_DIGITS)
def test_normalize_refuses_digits_other_than_ascii(raw):
    with pytest.raises(Exception) as refused:
        normalize_phone(raw)
    assert refused.value.messages == [str(INVALID_PHONE_MESSAGE)]


@pytest.mark.parametrize("raw", UNICODE_DIGITS)
def test_signup_with_unicode_digits_is_a_vietnamese_form_error(client, raw):
    response = client.post(reverse("account_signup"), _signup_data(UnitFactory(), phone=raw))
    assert response.status_code == 400
    assert "Số điện thoại không hợp lệ" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("raw", UNICODE_DIGITS)
def test_login_and_reset_with_unicode_digits_are_clear(client, raw):
    UserFactory(phone="+84987654321")
    login = client.post(reverse("account_login"), {"login": raw, "password": "x" * 10})
    assert login.status_code in (200, 400)
    assert "Số điện thoại không hợp lệ" in login.content.decode()
    reset = client.post(reverse("account_reset_password"), {"phone": raw})
    assert reset.status_code in (200, 400)
    assert "Số điện thoại không hợp lệ" in reset.content.decode()
