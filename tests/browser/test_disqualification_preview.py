"""In Chromium: adding a disqualification against a published round shows who would move on
the correction's confirmation page before anything is saved, at an organiser's 1366×768."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from leaderboard.models import PublicationEvent, RoundResult
from operations.pipeline import round_publish_and_announce, round_rank
from participants.services import ORGANISER_GROUP
from rounds.models import Disqualification
from tests.browser.conftest import admin_login, template_syntax_leaks
from tests.factories import (
    FinishedAttemptFactory,
    ParticipantFactory,
    PrizeTierFactory,
    RoundFactory,
    UserFactory,
)

PASSWORD = "mat-khau-an-toan-2024"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_add_page_previews_the_correction_before_saving(browser, live_server):
    now = timezone.now()
    round = RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))
    PrizeTierFactory(round=round, name="Giải Nhất", count=1, order=1)
    cheat = ParticipantFactory(full_name="Trần Văn Gian Lận")
    honest = ParticipantFactory(full_name="Lê Thị Trung Thực")
    FinishedAttemptFactory(round=round, participant=cheat, prediction=2, duration_ms=50_000)
    FinishedAttemptFactory(round=round, participant=honest, prediction=2, duration_ms=90_000)
    round_rank(round_id=round.pk)
    round_publish_and_announce(round_id=round.pk, actor=None)
    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    try:
        admin_login(page, live_server.url, organiser.phone, PASSWORD)
        add = reverse("admin:rounds_disqualification_add")
        page.goto(f"{live_server.url}{add}?contest={round.contest_id}&participant={cheat.pk}")
        page.fill("#id_reason", "Thi hộ (biên bản số 12)")
        page.click("input[name=_save]")
        page.locator("table.correction-preview").wait_for()
        assert "Đính chính kết quả đã công bố" in page.locator("h1").inner_text()
        assert "Lê Thị Trung Thực" in page.locator("table.correction-preview").inner_text()
        assert not template_syntax_leaks(page.content())
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, f"the page scrolls sideways: {width}px"
        page.screenshot(path="/tmp/disqualification-preview.png", full_page=True)
        assert not Disqualification.objects.exists()

        page.fill("#public_reason", "Loại 01 thí sinh thi hộ (QĐ 45/QĐ-BTC)")
        page.click("input[name=confirm]")
        page.wait_for_url(
            lambda url: url.endswith(reverse("admin:rounds_disqualification_changelist"))
        )
        assert Disqualification.objects.get().participant_id == cheat.pk
        assert RoundResult.objects.get(round=round, participant=honest).rank == 1
        assert PublicationEvent.objects.get(kind=PublicationEvent.Kind.CORRECTION).reason == (
            "Loại 01 thí sinh thi hộ (QĐ 45/QĐ-BTC)"
        )
    finally:
        context.close()
        connections.close_all()
