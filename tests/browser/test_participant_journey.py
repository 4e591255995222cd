"""The whole participant journey on a 360-px phone: register through a unit link, verify the
phone, start, answer, reload, lose the network while answering, submit, read the result."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participants import sms
from participants.models import Participant
from quizzes.models import Attempt
from tests.browser.conftest import template_syntax_leaks
from tests.factories import ParticipantFactory, QuestionFactory, RoundFactory, UnitFactory

pytestmark = pytest.mark.browser


def _remaining_ms_from_server(page) -> int:
    return json.loads(page.locator("#quiz-config").text_content())["remainingMs"]


def _answer(page, index: int) -> None:
    question = page.locator("li.question[data-question]").nth(index)
    question.locator("label.option").first.click()


def test_register_take_an_attempt_through_a_network_cut_and_see_the_result(
    page, browser_context, transactional_db
):
    sms.outbox.clear()
    parent = UnitFactory(code="so-ldtbxh", name="Sở Lao động - Thương binh và Xã hội")
    unit = UnitFactory(code="p-ncc", name="Phòng Người có công", parent=parent)
    UnitFactory(code="vp-so", name="Văn phòng Sở", parent=parent)
    QuestionFactory.create_batch(8)
    round = RoundFactory(name="Đợt 1")

    # Registration through the unit link: the unit is already chosen.
    page.goto(f"/accounts/signup/?don_vi={unit.code}")
    expect(page.locator("select[name=unit]")).to_have_value(str(unit.pk))
    expect(page.locator("input.unit-search")).to_be_visible()
    page.fill("input[name=full_name]", "Phạm Thị Lan")
    page.fill("input[name=phone]", "0978 123 456")
    # Day first, whatever the phone's language (a date picker would follow the phone's).
    birth = page.locator("input[name=date_of_birth]")
    expect(birth).to_have_attribute("type", "text")
    expect(birth).to_have_attribute("placeholder", "dd/mm/yyyy")
    birth.fill("06/05/1990")
    page.check("input[name=gender][value=female]")
    page.fill("input[name=password1]", "Lan-thi-chuyen-doi-so-2024")
    page.fill("input[name=password2]", "Lan-thi-chuyen-doi-so-2024")
    page.check("input[name=consent]")
    page.click("button[type=submit]:has-text('Đăng ký')")

    expect(page.locator("h1")).to_have_text("Xác minh số điện thoại")
    assert "0978 123 456" in page.content()  # the number as people write it
    phone, message = sms.outbox[-1]
    assert phone == "+84978123456"
    page.fill("input[name=code]", re.search(r"là (\S+)$", message).group(1))
    page.click("button[type=submit]:has-text('Xác nhận')")
    participant = Participant.objects.get(user__phone="+84978123456")
    assert participant.unit == unit and participant.user.phone_verified
    assert participant.date_of_birth == dt.date(1990, 5, 6)

    # Home page: enter the open round.
    page.goto("/")
    page.click("button:has-text('Vào thi')")
    expect(page.locator("#quiz-form")).to_be_visible()
    assert template_syntax_leaks(page.content()) == []
    attempt = Attempt.objects.get(participant=participant, round=round)
    questions = page.locator("li.question[data-question]")
    count = questions.count()
    assert count == attempt.question_count

    for index in range(2):
        _answer(page, index)
        expect(questions.nth(index).locator("[data-save-state]")).to_have_attribute(
            "data-state", "saved"
        )
    page.fill("input[name=prediction]", "321")
    expect(page.locator("li[data-prediction] [data-save-state]")).to_have_attribute(
        "data-state", "saved"
    )

    # Reload: the same attempt, its answers, less time.
    before = _remaining_ms_from_server(page)
    page.wait_for_timeout(1200)
    page.reload()
    after = _remaining_ms_from_server(page)
    assert 0 < after < before
    for index in range(2):
        expect(questions.nth(index).locator("input").first).to_be_checked()
    expect(page.locator("input[name=prediction]")).to_have_value("321")

    # The network drops while answering the rest; every answer arrives when it returns.
    browser_context.set_offline(True)
    for index in range(2, count):
        _answer(page, index)
    expect(page.locator("#quiz-status")).to_have_attribute("data-state", "offline")
    expect(page.locator("#quiz-status")).to_contain_text("Mất kết nối — đang thử lại")
    expect(questions.nth(count - 1).locator("[data-save-state]")).to_have_text(
        "mất kết nối — đang thử lại"
    )
    page.wait_for_timeout(3000)
    browser_context.set_offline(False)
    for index in range(count):
        expect(questions.nth(index).locator("[data-save-state]")).to_have_attribute(
            "data-state", "saved"
        )
    expect(page.locator("#quiz-status")).to_have_attribute("data-state", "saved")
    saved = attempt.answers.exclude(selected=[]).count()
    assert saved == count

    # Submit (asked once, every question answered or not) and read the result.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#quiz-submit")
    expect(page.locator("h1")).to_have_text("Kết quả bài thi")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.prediction == 321
    expect(page.locator("#result-score")).to_have_text(f"{attempt.score}/{count}")
    assert template_syntax_leaks(page.content()) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_page_submits_by_itself_at_zero(page, transactional_db):
    """A round that ends in a few seconds gives the attempt that little time; the page
    counts down from the server's remaining time and submits when it reaches zero."""
    QuestionFactory.create_batch(6)
    participant = ParticipantFactory()
    round = RoundFactory(ends_at=timezone.now() + dt.timedelta(seconds=6))
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "0" + participant.user.phone[3:])
    page.fill("input[name=password]", "mat-khau-an-toan-2024")
    page.click("main button[type=submit]")
    page.goto("/")
    page.click("button:has-text('Vào thi')")
    expect(page.locator(".messages")).to_contain_text("ngắn hơn")
    _answer(page, 0)
    expect(page.locator("h1")).to_have_text("Kết quả bài thi", timeout=20_000)
    attempt = Attempt.objects.get(participant=participant, round=round)
    assert attempt.is_finished and attempt.submitted_at <= attempt.deadline
    assert attempt.answers.exclude(selected=[]).count() == 1
