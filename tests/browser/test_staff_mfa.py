"""An organiser's first visit to the admin with two-factor authentication required, in
Chromium: the site's login, the password asked again, the QR code and the code from the app,
the recovery codes, then the admin; at the next login the code is asked after the password.
Every page in Vietnamese and under the Content-Security-Policy."""

import datetime as dt
import re

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.db import connections
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "mat-khau-an-toan-2024"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = None  # a folder to keep screenshots of each step, when looking at the pages


def _counter(shift: int = 0) -> int:
    return int(dt.datetime.now(dt.UTC).timestamp() + shift) // 30


def _code(secret: str, counter: int | None = None) -> str:
    """The app's code now (or of another 30 s step: one step either side is accepted)."""
    return format_hotp_value(hotp_value(secret, _counter() if counter is None else counter))


@pytest.fixture
def new_tab(browser, live_server, settings):
    """A tab of a fresh browser context (another device) on the live server."""
    settings.STAFF_MFA_REQUIRED = True
    contexts = []

    def open_tab():
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.errors = errors
        return page

    yield open_tab
    for context in contexts:
        context.close()
    connections.close_all()


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _sign_in(page) -> None:
    page.goto(reverse("admin:index"))
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=login]", "0900 000 009")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def test_an_organiser_sets_up_2fa_then_logs_in_with_a_code(new_tab):
    tab = new_tab()
    UserFactory(phone="+84900000009", is_staff=True, is_superuser=True)
    _sign_in(tab)
    tab.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    _shot(tab, "1-reauthenticate")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("main button[type=submit]")
    tab.wait_for_url(re.compile(r"/2fa/totp/activate/"))
    _shot(tab, "2-activate")
    body = tab.inner_text("main")
    assert "Bật xác thực hai bước" in body and "Activate" not in body
    assert tab.locator("main img[alt*='QR']").evaluate("img => img.naturalWidth") > 0
    secret = tab.inner_text("main code").strip()
    tab.fill("input[name=code]", _code(secret))
    tab.click("main button[type=submit]")
    tab.wait_for_url(re.compile(r"/2fa/recovery-codes/"))
    _shot(tab, "3-recovery-codes")
    assert len(tab.inner_text("pre.recovery-codes").split()) == 10
    tab.click("text=Vào trang quản trị")
    tab.wait_for_url(re.compile(r"/2fa/reauthenticate/"))
    _shot(tab, "4-code-for-the-admin")
    used = _counter(30)  # a step not used for the activation; a code counts once
    tab.fill("input[name=code]", _code(secret, used))
    tab.click("main button[type=submit]")
    tab.wait_for_url(re.compile(reverse("admin:index") + "$"))
    _shot(tab, "5-admin")

    assert not [e for e in tab.errors if "Content Security Policy" in e]

    tab = new_tab()  # another computer
    _sign_in(tab)
    tab.wait_for_url(re.compile(r"/2fa/authenticate/"))
    _shot(tab, "6-login-code")
    assert "Xác thực hai bước" in tab.inner_text("main")
    fresh = next(step for step in (_counter() - 1, _counter(), _counter() + 1) if step != used)
    tab.fill("input[name=code]", _code(secret, fresh))
    tab.click("main button[type=submit]")
    tab.wait_for_url(re.compile(reverse("admin:index") + "$"))
    assert not [e for e in tab.errors if "Content Security Policy" in e]
