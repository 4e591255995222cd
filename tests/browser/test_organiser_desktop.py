"""The organiser's main admin pages on an office screen (1366×768) in Chromium, on the demo
data: the dashboard, a round's change page, the pre-flight page, the participant list and the
confirmation pages. None scrolls sideways or prints template syntax; screenshots go to /tmp
for a person to look at."""

from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from participants.demo import DEMO_ORGANISER_PHONE
from participants.models import Participant
from rounds.demo import THANH_HOA_SLUG
from rounds.models import Round
from tests.browser.conftest import admin_login, template_syntax_leaks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICE_SCREEN = {"width": 1366, "height": 768}
SHOTS = Path("/tmp/organiser-desktop")


def _check(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert not template_syntax_leaks(page.content()), name
    # Wider than the window: something forces a sideways scroll (a long table or word).
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= OFFICE_SCREEN["width"], f"{name}: {width}px wide"


def _action(page, changelist: str, ids: list[int], action: str, query: str = "") -> None:
    page.goto(changelist + (f"?{urlencode({'q': query})}" if query else ""))
    for pk in ids:
        page.check(f"input.action-select[value='{pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.wait_for_load_state()


def test_the_organisers_pages_fit_an_office_screen(browser, live_server):
    call_command("seed_demo")
    rounds = Round.objects.filter(contest__slug=THANH_HOA_SLUG, is_practice=False)
    published = rounds.filter(state=Round.State.PUBLISHED).order_by("number").first()
    upcoming = rounds.exclude(state=Round.State.PUBLISHED).order_by("number").first() or published
    person = Participant.objects.filter(attempts__round=published).order_by("pk").first()
    context = browser.new_context(
        viewport=OFFICE_SCREEN, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    base = live_server.url
    try:
        admin_login(page, base, DEMO_ORGANISER_PHONE, "thidemo2024")
        _check(page, "01-index")
        page.goto(base + reverse("admin:rounds_round_changelist"))
        _check(page, "02-round-list")
        page.goto(base + reverse("admin:rounds_round_change", args=[upcoming.pk]))
        _check(page, "03-round-change")
        phase = page.locator(".field-phase_display .readonly").inner_text()
        assert phase == upcoming.get_phase_display()
        page.goto(base + reverse("admin:rounds_round_preflight", args=[upcoming.pk]))
        _check(page, "04-preflight")
        participants = base + reverse("admin:participants_participant_changelist")
        page.goto(participants)
        _check(page, "05-participant-list")

        rounds_list = base + reverse("admin:rounds_round_changelist")
        _action(page, rounds_list, [upcoming.pk], "close_now")
        _check(page, "06-confirm-close")
        _action(page, rounds_list, [published.pk], "unpublish_results")
        _check(page, "07-confirm-unpublish")
        _action(page, rounds_list, [published.pk], "publish_results_shared_ties")
        _check(page, "08-publish-shared-ties")
        _action(page, participants, [person.pk], "disqualify", query=person.full_name)
        _check(page, "09-disqualify")
        page.select_option("select[name=contest]", str(published.contest_id))
        page.fill("textarea[name=reason]", "Thi hộ (biên bản số 12)")
        page.click("input[name=apply]")
        page.locator("table.correction-preview").first.wait_for()
        _check(page, "10-correction-confirm")
    finally:
        context.close()
        connections.close_all()
