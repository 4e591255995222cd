"""The session key is rotated at login (no session fixation through allauth's login view)."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_through_allauth_rotates_the_session_key(client):
    UserFactory(phone="+84912345678")
    session = client.session
    session["trước đăng nhập"] = 1
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before
    response = client.post(
        reverse("account_login"), {"login": "0912345678", "password": "mat-khau-an-toan-2024"}
    )
    assert response.status_code == 302
    after = client.session.session_key
    assert client.session.get("_auth_user_id")
    assert after and after != before
