"""Playwright (sync API) driving Debian's Chromium, for every browser test of the project.

Fixtures: `browser` (one headless Chromium per session), `browser_context` (a fresh phone-sized
context on the live server) and `page` (a tab of it, 360 px wide). Browser tests are marked
`@pytest.mark.browser`; they skip when /usr/bin/chromium is missing, except in CI (CI=true),
where they fail instead."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# (and the live server) are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_VIEWPORT = {"width": 360, "height": 740}
# What Django template syntax looks like when a template prints it instead of running it (a
# `{# #}` comment over two lines is printed as text).
TEMPLATE_SYNTAX = ("{#", "#}", "{%", "{{")


def template_syntax_leaks(html: str) -> list[str]:
    """Template syntax found in a rendered page, each with a little context."""
    leaks = []
    for marker in TEMPLATE_SYNTAX:
        index = html.find(marker)
        if index != -1:
            leaks.append(f"{marker!r} in …{html[max(index - 40, 0) : index + 60]!r}…")
    return leaks


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if _in_ci():
            pytest.fail(
                f"{CHROMIUM} is missing: CI must install Chromium (apt-get install chromium)"
            )
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE_VIEWPORT,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    tab = browser_context.new_page()
    yield tab
    tab.close()


def admin_login(page, base_url: str, phone: str, password: str) -> None:
    """Sign in to the admin as staff do: /admin/ sends them to the site's login page (same
    limits as everyone's; two-factor set-up is tested in test_staff_mfa.py)."""
    page.goto(base_url + "/admin/")
    page.fill("input[name=login]", phone)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/admin/"))
