"""The admin's prepopulated slugs transliterate Vietnamese in Chromium as core.text.slugify_vi
does on the server ("Đỗ" → "do", "Cuộc" → "cuoc"), where Django's URLify dropped letters."""

import pytest
from django.db import connections
from django.urls import reverse

from core.text import slugify_vi
from tests.browser.conftest import admin_login
from tests.factories import UserFactory

PASSWORD = "mat-khau-an-toan-2024"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_prepopulated_slugs_fold_vietnamese_letters(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    try:
        user = UserFactory(is_staff=True, is_superuser=True)
        admin_login(page, live_server.url, user.phone, PASSWORD)
        for url, source, name in (
            (reverse("admin:rounds_contest_add"), "#id_name", "Cuộc thi trực tuyến Đỗ Văn Nam"),
            (reverse("admin:quizzes_topic_add"), "#id_name", "Chuyển đổi số ở Thanh Hóa"),
            (reverse("admin:content_announcement_add"), "#id_title", "Thông báo kết quả Đợt 1"),
        ):
            page.goto(live_server.url + url)
            page.type(source, name)
            slug = page.input_value("#id_slug")
            assert slug == slugify_vi(name)
        assert slugify_vi("Cuộc thi trực tuyến Đỗ Văn Nam") == "cuoc-thi-truc-tuyen-do-van-nam"
    finally:
        context.close()
        connections.close_all()
