"""The announcement editor's preview follows what the organiser types, in Chromium."""

import pytest
from django.db import connections
from django.urls import reverse

from tests.browser.conftest import admin_login
from tests.factories import UserFactory

PASSWORD = "mat-khau-an-toan-2024"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_follows_the_typing(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    try:
        user = UserFactory(is_staff=True, is_superuser=True)
        admin_login(page, live_server.url, user.phone, PASSWORD)
        page.goto(live_server.url + reverse("admin:content_announcement_add"))
        page.fill(
            "#id_body", "<h2>Kết quả</h2><p>Chúc mừng <b>Đỗ Văn Nam</b></p><script>x</script>"
        )
        preview = page.locator(".rich-text-preview")
        preview.locator("h2", has_text="Kết quả").wait_for()
        assert preview.locator("b").inner_text() == "Đỗ Văn Nam"
        assert preview.locator("script").count() == 0
        page.screenshot(path="/tmp/announcement-preview.png", full_page=True)
    finally:
        context.close()
        connections.close_all()
