"""In Chromium: an organiser with the personal-data permission, logged in by typing their
number as people do, sees a participant's number on the account page without a field to
change it; a superuser gets the field."""

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from django.urls import reverse

from participants.services import ORGANISER_GROUP, PERSONAL_DATA_GROUP
from tests.browser.conftest import admin_login
from tests.factories import ParticipantFactory, UserFactory

PASSWORD = "mat-khau-an-toan-2024"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_login_number_is_read_only_for_an_organiser(browser, live_server):
    organiser = UserFactory(phone="+84900000011", is_staff=True)
    organiser.groups.add(
        Group.objects.get(name=ORGANISER_GROUP), Group.objects.get(name=PERSONAL_DATA_GROUP)
    )
    UserFactory(phone="+84900000012", is_staff=True, is_superuser=True)
    person = ParticipantFactory(user=UserFactory(phone="+84987654321"))
    url = live_server.url + reverse("admin:participants_user_change", args=[person.user.pk])
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    try:
        admin_login(page, live_server.url, "0900 000 011", PASSWORD)
        page.goto(url)
        field = page.locator(".field-phone_locked")
        assert "0987 654 321" in field.inner_text()
        assert page.locator("input[name=phone]").count() == 0
        page.screenshot(path="/tmp/admin-phone-locked.png", full_page=True)
        context.clear_cookies()

        admin_login(page, live_server.url, "84900000012", PASSWORD)
        page.goto(url)
        assert page.locator("input[name=phone]").input_value() == "0987 654 321"
    finally:
        context.close()
        connections.close_all()
