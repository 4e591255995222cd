"""The quiz page as a participant meets it on a 360-px phone: no template text, a one-row
header, "Còn lại" on one line whatever the status says, a confirmation before every submit,
and an autosave that survives a login in another tab (the CSRF token rotates)."""

import pytest
from django.db import connections
from playwright.sync_api import expect

from quizzes.models import Attempt
from tests.browser.conftest import template_syntax_leaks
from tests.browser.test_interface import SCREENSHOTS
from tests.factories import ParticipantFactory, QuestionFactory, RoundFactory

pytestmark = pytest.mark.browser
PASSWORD = "mat-khau-an-toan-2024"

# The boxes of the header's visible items and of the clock's parts, as the phone lays them out.
HEADER_ROWS = """
() => {
  const header = document.querySelector(".site-header");
  const items = header.querySelectorAll(".brand, .nav-results, .account-nav > a, .account-menu > summary");
  // Items are in one row when each one's box overlaps the first one's vertically.
  const boxes = Array.from(items).filter((i) => i.getClientRects().length)
    .map((i) => i.getBoundingClientRect());
  let rows = 1;
  for (const box of boxes.slice(1)) {
    if (box.top >= boxes[0].bottom || box.bottom <= boxes[0].top) rows += 1;
  }
  // …and each one's text on one line.
  let wrapped = [];
  for (const item of items) {
    const range = document.createRange();
    range.selectNodeContents(item);
    const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
    if (tops.size > 1) wrapped.push(item.textContent.trim());
  }
  return {rows: rows, wrapped: wrapped, height: Math.round(header.getBoundingClientRect().height)};
}
"""
TIMER_LINES = """
() => {
  const label = document.getElementById("quiz-remaining-label");
  const clock = document.getElementById("quiz-remaining");
  const l = label.getBoundingClientRect(), c = clock.getBoundingClientRect();
  const lineHeight = parseFloat(getComputedStyle(label).lineHeight);
  return {labelLines: Math.round(l.height / lineHeight), sameRow: l.top < c.bottom && c.top < l.bottom};
}
"""


@pytest.fixture
def quiz(page, transactional_db):
    """A participant logged in as people type their number, on a fresh attempt's page."""
    QuestionFactory.create_batch(6)
    participant = ParticipantFactory(full_name="Lê Thị Thu Hương Nguyễn Ngọc")
    round = RoundFactory()
    _login(page, "0" + participant.user.phone[3:])
    page.goto("/")
    page.click("button:has-text('Vào thi')")
    expect(page.locator("#quiz-form")).to_be_visible()
    yield participant, round
    connections.close_all()


def _login(page, phone: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", phone)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _answer_all(page) -> None:
    questions = page.locator("li.question[data-question]")
    for index in range(questions.count()):
        questions.nth(index).locator("label.option").nth(1).click()
        expect(questions.nth(index).locator("[data-save-state]")).to_have_attribute(
            "data-state", "saved"
        )


def test_the_quiz_page_shows_no_template_text_and_fits_one_row_header(page, browser_context, quiz):
    participant, _round = quiz
    assert template_syntax_leaks(page.content()) == []
    body = page.locator("body").inner_text()
    assert "quiz.js" not in body and "Ids, sequence numbers" not in body
    header = page.evaluate(HEADER_ROWS)
    page.screenshot(path=str(SCREENSHOTS / "quiz-header-360.png"))
    assert header["rows"] == 1 and header["wrapped"] == [] and header["height"] < 60, header
    # The account's links are one tap away, in the same row.
    page.click(".account-menu summary")
    expect(page.locator(".account-menu-items")).to_contain_text("Lịch sử thi")
    expect(page.locator(".account-menu-items")).to_contain_text(participant.full_name)
    expect(page.locator(".account-menu-items button:has-text('Đăng xuất')")).to_be_visible()
    page.click(".account-menu summary")

    # "Còn lại" and the clock stay on one line, with the longest status message beside them.
    _answer_all(page)
    expect(page.locator("#quiz-status")).to_have_text("Đã lưu tất cả câu trả lời.")
    assert page.evaluate(TIMER_LINES) == {"labelLines": 1, "sameRow": True}
    browser_context.set_offline(True)
    page.locator("li.question[data-question]").first.locator("label.option").nth(2).click()
    expect(page.locator("#quiz-status")).to_have_attribute("data-state", "offline")
    assert page.evaluate(TIMER_LINES) == {"labelLines": 1, "sameRow": True}
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    browser_context.set_offline(False)
    expect(page.locator("#quiz-status")).to_have_attribute("data-state", "saved")


def test_submit_asks_once_even_when_every_question_is_answered(page, quiz):
    participant, round = quiz
    _answer_all(page)
    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("#quiz-submit")
    expect(page.locator("#quiz-form")).to_be_visible()
    assert asked == ["Bạn chắc chắn muốn nộp bài?"]
    attempt = Attempt.objects.get(participant=participant, round=round)
    assert attempt.state == Attempt.State.IN_PROGRESS

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.click("#quiz-submit")
    expect(page.locator("h1")).to_have_text("Kết quả bài thi")
    assert len(asked) == 2
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED


def test_unanswered_questions_are_named_in_the_confirmation(page, quiz):
    page.locator("li.question[data-question]").first.locator("label.option").first.click()
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#quiz-submit")
    expect(page.locator("#quiz-form")).to_be_visible()
    assert asked == ["Bạn còn câu chưa trả lời. Vẫn nộp bài?"]


def test_autosave_recovers_after_a_login_in_another_tab(page, browser_context, quiz):
    """Logging out and in again in a second tab rotates the CSRF token: the quiz tab's next
    save is refused with JSON carrying a fresh token, retried with it, and kept; the final
    submit goes through too. A form posted from a stale page gets a Vietnamese 403 page."""
    participant, round = quiz
    first = page.locator("li.question[data-question]").first
    first.locator("label.option").first.click()
    expect(first.locator("[data-save-state]")).to_have_attribute("data-state", "saved")

    other = browser_context.new_page()
    other.goto("/")
    other.click(".account-menu summary")
    other.click(".account-menu-items button:has-text('Đăng xuất')")
    _login(other, participant.user.phone)  # the stored +84 form works too

    refusals: list[dict] = []

    def record(response):
        if response.url.endswith("/luu/") and response.status == 403:
            refusals.append(response.json())

    page.on("response", record)
    questions = page.locator("li.question[data-question]")
    count = questions.count()
    for index in range(count):
        questions.nth(index).locator("label.option").nth(1).click()
    for index in range(count):
        expect(questions.nth(index).locator("[data-save-state]")).to_have_attribute(
            "data-state", "saved"
        )
    assert refusals and refusals[0]["code"] == "csrf_failed", refusals
    assert "Phiên làm việc" in refusals[0]["error"]
    attempt = Attempt.objects.get(participant=participant, round=round)
    assert attempt.answers.exclude(selected=[]).count() == count

    # A form of the stale tab (here the logout button of page, rotated again by `other`)
    # answers a Vietnamese page that leads back, not Django's English "Forbidden (403)".
    other.click(".account-menu summary")
    other.click(".account-menu-items button:has-text('Đăng xuất')")
    _login(other, "0" + participant.user.phone[3:])
    page.click(".account-menu summary")
    page.click(".account-menu-items button:has-text('Đăng xuất')")
    expect(page.locator("h1")).to_have_text("Chưa thực hiện được thao tác")
    text = page.locator("main").inner_text()
    assert "Forbidden" not in text and "CSRF" not in text
    assert template_syntax_leaks(page.content()) == []
    page.click("text=Quay lại trang trước")
    expect(page.locator("#quiz-form")).to_be_visible()
    for index in range(count):
        expect(questions.nth(index).locator("input").nth(1)).to_be_checked()

    # Rotated once more: the submit takes the current token and reaches the result.
    other.click(".account-menu summary")
    other.click(".account-menu-items button:has-text('Đăng xuất')")
    _login(other, "0" + participant.user.phone[3:])
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#quiz-submit")
    expect(page.locator("h1")).to_have_text("Kết quả bài thi")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.answers.exclude(selected=[]).count() == count
    other.close()


def test_an_option_tapped_before_the_script_ran_is_saved(page, quiz):
    """On a slow phone the page shows before quiz.js has run: an option tapped then is saved
    as soon as the script starts (it compares what is checked with what the server saved)."""
    participant, round = quiz
    held = []
    page.route("**/quiz*.js", lambda route: held.append(route))
    page.goto(page.url, wait_until="commit")
    first = page.locator("li.question[data-question]").first
    first.locator("label.option").nth(2).click()
    page.wait_for_timeout(300)
    assert held, "quiz.js was not requested"
    expect(first.locator("[data-save-state]")).not_to_have_attribute("data-state", "saved")
    for route in held:
        route.continue_()
    expect(first.locator("[data-save-state]")).to_have_attribute("data-state", "saved")
    attempt = Attempt.objects.get(participant=participant, round=round)
    saved = attempt.answers.exclude(selected=[])
    assert saved.count() == 1 and saved.get().position == 1
