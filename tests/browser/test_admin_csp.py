"""The organisers' admin keeps working under the site's Content-Security-Policy (scripts and
styles from 'self' only): its JavaScript runs and the browser reports no violation."""

import pytest
from django.db import connections
from django.urls import reverse

from tests.factories import ContestFactory, UnitFactory, UserFactory

PASSWORD = "mat-khau-an-toan-2024"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    """A desktop-sized tab (the shared `browser` of conftest.py) recording CSP violations."""
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    tab = context.new_page()
    console_errors: list[str] = []
    tab.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    tab.console_errors = console_errors
    yield tab
    context.close()


def _violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations") + [
        text for text in page.console_errors if "Content Security Policy" in text
    ]


def _admin_login(page, live_server):
    user = UserFactory(is_staff=True, is_superuser=True)
    # The admin's login is the site's own login page (issue 14: same limits, then 2FA).
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name=login]", user.phone)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    assert _violations(page) == []


def test_admin_scripts_run_under_the_policy(page, live_server):
    try:
        _admin_scripts_run(page, live_server)
    finally:
        # Under Playwright's event loop Django keys connections by context: the test body
        # opened its own, which must be closed or the test database cannot be dropped.
        connections.close_all()


def _admin_scripts_run(page, live_server):
    contest = ContestFactory()
    UnitFactory.create_batch(3)
    _admin_login(page, live_server)

    # prepopulate.js fills the slug from the name as it is typed.
    page.goto(live_server.url + reverse("admin:rounds_contest_add"))
    page.locator("#id_name").press_sequentially("Cuoc thi thu nghiem")
    assert page.input_value("#id_slug") == "cuoc-thi-thu-nghiem"
    # inlines.js adds a row.
    rows_before = page.locator("#rounds-group tr.form-row:not(.empty-form)").count()
    page.click("#rounds-group .add-row a")
    assert page.locator("#rounds-group tr.form-row:not(.empty-form)").count() == rows_before + 1

    # actions.js: "select all" ticks every row and shows the counter.
    page.goto(live_server.url + reverse("admin:participants_unit_changelist"))
    page.check("#action-toggle")
    assert page.locator("input.action-select:checked").count() == 3
    assert page.locator(".action-counter").is_visible()

    # The change form with its date/time widgets (calendar shortcuts come from JavaScript).
    page.goto(live_server.url + reverse("admin:rounds_contest_change", args=[contest.pk]))
    assert page.locator(".datetimeshortcuts").count() > 0

    assert _violations(page) == []
