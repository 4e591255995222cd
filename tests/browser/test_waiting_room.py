"""The 00h waiting page on a phone without JavaScript: it keeps the place, says how long, and
its meta refresh alone takes the person into their quiz when the place is due."""

import pytest
from django.db import connections
from playwright.sync_api import expect

from core.admission import place_take
from quizzes.models import Attempt
from tests.browser.conftest import template_syntax_leaks
from tests.browser.test_interface import SCREENSHOTS
from tests.factories import ParticipantFactory, QuestionFactory, RoundFactory

pytestmark = pytest.mark.browser
PASSWORD = "mat-khau-an-toan-2024"


def test_the_waiting_page_refreshes_itself_into_the_quiz_without_javascript(
    browser, live_server, transactional_db, settings
):
    settings.START_QUEUE_RATE = 1.0
    QuestionFactory.create_batch(6)
    participant = ParticipantFactory()
    round = RoundFactory()
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        java_script_enabled=False,
        locale="vi-VN",
    )
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=login]", "0" + participant.user.phone[3:])
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto("/")
        # Two people pressed just before: this press waits about two seconds.
        for owner in ("a", "b", "c"):
            place_take(queue=f"start:{round.pk}", owner=owner, rate=1.0)
        page.click("button:has-text('Vào thi')")

        expect(page.locator("h1")).to_have_text("Đang xếp hàng vào thi")
        body = page.content()
        assert not template_syntax_leaks(body)
        assert "người trước bạn" in body and "Dự kiến khoảng" in body
        page.screenshot(path=str(SCREENSHOTS / "waiting-room-360.png"), full_page=True)
        assert Attempt.objects.count() == 0

        page.wait_for_url("**/bai-thi/*/", timeout=15_000)
        expect(page.locator("#quiz-form")).to_be_visible()
        assert Attempt.objects.filter(participant=participant).count() == 1
    finally:
        context.close()
        connections.close_all()
