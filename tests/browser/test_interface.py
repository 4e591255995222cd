"""Every participant page in real Chromium, on the demo data: axe-core finds no serious or
critical WCAG problem, a 360-px phone never scrolls sideways, text is at least 16 px, tap
targets at least 44 px, nothing is requested from another origin, and the home, quiz and result
pages each transfer at most 150 KB on a first load. Screenshots at 360 and 1280 px go to
tests/browser/screenshots/ (the README's come from there)."""

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from leaderboard.models import Certificate
from participants.demo import DEMO_ORGANISER_PHONE, DEMO_PARTICIPANT_PHONE, DEMO_PASSWORD
from quizzes.models import Attempt
from rounds.demo import THANH_HOA_SLUG
from tests.browser.conftest import template_syntax_leaks
from tests.factories import ParticipantFactory, QuestionFactory, RoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8") + "\n;typeof axe"
SCREENSHOTS = Path(__file__).parent / "screenshots"
PAGE_BUDGET_BYTES = 150 * 1024
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

RUN_AXE = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
}
"""

# Visible text smaller than 16 px (screen-reader-only text is clipped to 1 px and skipped).
SMALL_TEXT = """
() => {
  const small = [];
  for (const el of document.body.querySelectorAll("*")) {
    const ownText = Array.from(el.childNodes).some(
      (n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!ownText || !el.getClientRects().length) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 15.5) small.push(`${el.tagName.toLowerCase()}.${el.className} ${size}px: ${el.textContent.trim().slice(0, 40)}`);
  }
  return small;
}
"""

# Controls smaller than 44 px: buttons, fields, answer options, and links that stand alone (a
# link inside a sentence is exempt, as in WCAG's target-size criterion).
SMALL_TARGETS = """
() => {
  const small = [];
  const controls = document.querySelectorAll(
    "button, select, textarea, summary, label.option, " +
    "input:not([type=hidden]):not([type=radio]):not([type=checkbox]), a[href]");
  for (const el of controls) {
    if (!el.getClientRects().length || el.closest(".sr-only, .skip-link")) continue;
    if (el.tagName === "A") {
      const parent = el.parentElement;
      if (parent.textContent.trim() !== el.textContent.trim()) continue;
    }
    const rect = el.getBoundingClientRect();
    if (rect.height < 43.5) small.push(`${el.tagName.toLowerCase()} ${Math.round(rect.height)}px: ${(el.textContent || el.name || "").trim().slice(0, 40)}`);
  }
  return small;
}
"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)
    yield
    # Under Playwright's event loop the test body's connection must be closed explicitly, or
    # the test database cannot be dropped.
    connections.close_all()


class PageChecker:
    """One browser context (a phone unless told otherwise) that records every request."""

    def __init__(self, browser, base_url: str, viewport=PHONE):
        self.base_url = base_url
        self.context = browser.new_context(
            base_url=base_url,
            viewport=viewport,
            is_mobile=viewport["width"] < 800,
            has_touch=viewport["width"] < 800,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        self.context.set_default_timeout(15_000)
        self.urls: list[str] = []
        self.finished = []
        self.context.on("request", lambda request: self.urls.append(request.url))
        self.context.on("requestfinished", lambda request: self.finished.append(request))
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on(
            "console",
            lambda message: message.type == "error" and self.errors.append(message.text),
        )

    def close(self) -> None:
        self.context.close()

    def login(self, phone: str) -> None:
        self.page.goto("/accounts/login/")
        self.page.fill("input[name=login]", phone)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(lambda url: "/accounts/login/" not in url)

    def third_party(self) -> list[str]:
        local = ("data:", "blob:", self.base_url + "/")
        return [url for url in self.urls if not url.startswith(local)]

    def transferred_bytes(self) -> int:
        total = 0
        for request in self.finished:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return total

    def reset_records(self) -> None:
        self.urls.clear()
        self.finished.clear()

    def check(self, name: str, *, screenshot: bool = True) -> list[str]:
        """Problems of the page now shown (empty when it passes everything)."""
        page = self.page
        # After a click the DOM can be read before the stylesheet applies: wait for "load".
        page.wait_for_load_state("load")
        problems = []
        width = page.viewport_size["width"]
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{name}: scrolls sideways ({scroll_width} px > {width} px)")
        problems += [f"{name}: small text {item}" for item in page.evaluate(SMALL_TEXT)]
        problems += [f"{name}: small target {item}" for item in page.evaluate(SMALL_TARGETS)]
        # Evaluated through the DevTools protocol: the site's CSP (script-src 'self') rightly
        # refuses an injected <script> element, and the test should not weaken the policy.
        page.evaluate(AXE_SOURCE)
        problems += [f"{name}: axe {item}" for item in page.evaluate(RUN_AXE)]
        problems += [f"{name}: third-party request {url}" for url in self.third_party()]
        problems += [f"{name}: script error {error}" for error in self.errors]
        problems += [
            f"{name}: template text {leak}" for leak in template_syntax_leaks(page.content())
        ]
        self.errors.clear()
        if screenshot:
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"))
        return problems

    def visit(self, path: str, name: str, **kwargs) -> list[str]:
        self.reset_records()
        response = self.page.goto(path)
        assert response is not None and response.status == 200, (path, response)
        return self.check(name, **kwargs)

    def first_load_bytes(self, path: str) -> int:
        """What a first visit transfers (HTML, CSS, scripts; nothing cached)."""
        self.reset_records()
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.page.goto(path, wait_until="networkidle")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        cdp.detach()
        return self.transferred_bytes()


@pytest.fixture
def open_checker(browser, live_server, demo):
    """Opens PageCheckers on the live server; closes them even when the test fails."""
    opened: list[PageChecker] = []

    def make(viewport=PHONE) -> PageChecker:
        checker = PageChecker(browser, live_server.url, viewport)
        opened.append(checker)
        return checker

    yield make
    for checker in opened:
        checker.close()


PUBLIC_PAGES = [
    ("/", "home"),
    ("/accounts/login/", "login"),
    ("/accounts/signup/", "signup"),
    ("/accounts/password/reset/", "password-reset"),
    ("/the-le/", "rules"),
    ("/tai-lieu/", "materials"),
    ("/thong-bao/", "announcements"),
    ("/ket-qua/", "results-index"),
    ("/tham-gia/", "participation-board"),
    ("/giai-tap-the/", "collective-board"),
    ("/bao-ve-du-lieu-ca-nhan/", "privacy-notice"),
]


def _first_link(page, selector: str) -> str:
    return page.locator(selector).first.get_attribute("href")


def test_participant_pages_pass_axe_width_text_and_target_checks(open_checker):
    problems: list[str] = []
    for viewport in (PHONE, DESKTOP):
        checker = open_checker(viewport)
        page = checker.page
        for path, name in PUBLIC_PAGES:
            problems += checker.visit(path, name)
        page.goto("/tai-lieu/")
        problems += checker.visit(_first_link(page, "main .link-list a"), "material")
        page.goto("/thong-bao/")
        problems += checker.visit(_first_link(page, "main .link-list a"), "announcement")
        page.goto("/ket-qua/")
        problems += checker.visit(_first_link(page, "main .rounds a"), "round-results")
        page.goto("/")
        provisional = page.locator("a[href*='bang-xep-hang-tam-thoi']")
        if provisional.count():
            problems += checker.visit(provisional.first.get_attribute("href"), "provisional")

        checker.login(DEMO_PARTICIPANT_PHONE)
        problems += checker.visit("/", "home-participant")
        problems += checker.visit("/tai-khoan/ho-so/", "profile")
        problems += checker.visit("/lich-su-thi/", "history")
        problems += checker.visit("/accounts/password/change/", "password-change")
        problems += checker.visit("/tai-khoan/du-lieu-cua-toi/", "my-data")
        problems += checker.visit("/tai-khoan/yeu-cau-xoa/", "deletion-request")
        assert page.goto("/khong-co-trang-nay/").status == 404
        checker.errors.clear()  # the console reports the 404 itself
        problems += checker.check("not-found")
        # A certificate is issued on its first download; its public verification page.
        page.goto("/lich-su-thi/")
        download = page.locator("a[href*='tham-gia']").first.get_attribute("href")
        assert page.request.get(download).headers["content-type"] == "application/pdf"
        code = Certificate.objects.latest("pk").code
        problems += checker.visit(f"/verify/{code}/", "certificate-verify")
        # A practice attempt, answered and submitted: its result shows the answers.
        page.goto("/")
        page.click(".practice-box button")
        expect(page.locator("#quiz-form")).to_be_visible()
        problems += checker.check("practice-quiz")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#quiz-submit")
        expect(page.locator("h1")).to_have_text("Kết quả bài thi")
        problems += checker.check("practice-result")
        page.goto("/")
        page.click("button:has-text('Vào thi')")
        expect(page.locator("#quiz-form")).to_be_visible()
        problems += checker.check("quiz")
        page.locator("li.question[data-question]").first.locator("label.option").first.click()
        expect(
            page.locator("li.question[data-question]").first.locator("[data-save-state]")
        ).to_have_attribute("data-state", "saved")
        # Larger text and high contrast, as a reader who needs them would set them.
        page.click("#tool-text-size")
        page.click("#tool-contrast")
        expect(page.locator("html")).to_have_class("text-large high-contrast")
        page.reload()
        expect(page.locator("#tool-contrast")).to_have_attribute("aria-pressed", "true")
        problems += checker.check("quiz-large-contrast")
        quiz_url = page.url
        problems += checker.visit("/", "home-large-contrast")
        problems += checker.visit("/lich-su-thi/", "history-large-contrast")
        page.goto(quiz_url)
        page.click("#tool-text-size")
        page.click("#tool-contrast")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#quiz-submit")
        expect(page.locator("h1")).to_have_text("Kết quả bài thi")
        problems += checker.check("result")
    assert problems == [], "\n".join(problems)


def test_home_quiz_and_result_pages_are_light(open_checker):
    checker = open_checker()
    page = checker.page
    weights = {"home": checker.first_load_bytes("/")}
    checker.login(DEMO_PARTICIPANT_PHONE)
    page.goto("/")
    page.click("button:has-text('Vào thi')")
    expect(page.locator("#quiz-form")).to_be_visible()
    weights["quiz"] = checker.first_load_bytes(page.url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#quiz-submit")
    expect(page.locator("h1")).to_have_text("Kết quả bài thi")
    weights["result"] = checker.first_load_bytes(page.url)
    # HTML is compressed (GZipMiddleware).
    html = page.request.get(page.url, headers={"Accept-Encoding": "gzip"})
    assert html.headers.get("content-encoding") == "gzip"
    assert checker.third_party() == []
    print("first-load bytes:", weights)
    assert all(0 < size <= PAGE_BUDGET_BYTES for size in weights.values()), weights


def test_organiser_dashboard_screenshot(open_checker):
    checker = open_checker(DESKTOP)
    checker.login(DEMO_ORGANISER_PHONE)
    checker.page.goto(f"/bang-dieu-khien/?cuoc_thi={THANH_HOA_SLUG}")
    checker.page.wait_for_function("() => document.documentElement.dataset.chartsDrawn === '4'")
    SCREENSHOTS.mkdir(exist_ok=True)
    checker.page.screenshot(path=str(SCREENSHOTS / "dashboard-1280.png"), full_page=False)
    assert checker.third_party() == []


def test_language_switch_keeps_the_page_and_english_stays_chosen(open_checker):
    checker = open_checker()
    page = checker.page
    page.goto("/the-le/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_have_text("Thể lệ cuộc thi")
    page.click("button[name=language][value=en]")
    page.wait_for_url("**/the-le/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Contest rules")
    problems = checker.check("rules-en", screenshot=True)
    page.goto("/")
    back = page.locator("button[name=language][value=vi]")
    assert unicodedata.normalize("NFC", back.text_content().strip()) == "Tiếng Việt"
    page.click("button[name=language][value=vi]")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert problems == [], "\n".join(problems)


RECORD_ANNOUNCEMENTS = """
() => {
  window.__announced = [];
  const node = document.getElementById("quiz-announce");
  new MutationObserver(() => window.__announced.push(node.textContent))
    .observe(node, {childList: true, characterData: true, subtree: true});
}
"""


def test_countdown_is_announced_at_intervals_not_every_second(page, transactional_db):
    """The visible clock is a role=timer (not live); a polite live region speaks the time left
    on load, then at the minute marks and in the last minute — not each second."""
    try:
        QuestionFactory.create_batch(6)
        participant = ParticipantFactory()
        RoundFactory(ends_at=timezone.now() + dt.timedelta(seconds=64))
        page.goto("/accounts/login/")
        page.fill("input[name=login]", "0" + participant.user.phone[3:])
        page.fill("input[name=password]", "mat-khau-an-toan-2024")
        page.click("main button[type=submit]")
        page.goto("/")
        page.click("button:has-text('Vào thi')")
        timer = page.locator(".quiz-timer")
        expect(timer).to_have_attribute("role", "timer")
        assert timer.get_attribute("aria-live") is None
        live = page.locator("#quiz-announce")
        expect(live).to_have_attribute("aria-live", "polite")
        expect(live).to_have_text("Còn 1 phút làm bài.")  # on load, about 62 s left
        page.evaluate(RECORD_ANNOUNCEMENTS)
        # The 60-second mark comes within a few seconds; nothing more for the next seconds.
        page.wait_for_function("() => window.__announced.length > 0", timeout=10_000)
        page.wait_for_timeout(4000)
        assert page.evaluate("window.__announced") == ["Còn 1 phút làm bài."]
        assert page.locator("#quiz-remaining").text_content().startswith("00:5")
    finally:
        connections.close_all()


def test_without_javascript_the_forms_still_work(browser, live_server, transactional_db):
    """JavaScript that never arrives (slow mobile data): sign in, start, answer and submit are
    plain form posts, and the answers reach the result."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False, locale="vi-VN"
    )
    try:
        QuestionFactory.create_batch(6)
        participant = ParticipantFactory()
        round = RoundFactory()
        page = context.new_page()
        page.goto("/accounts/login/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.fill("input[name=login]", "0" + participant.user.phone[3:])
        page.fill("input[name=password]", "mat-khau-an-toan-2024")
        page.click("main button[type=submit]")
        page.goto("/")
        assert page.locator("#tool-contrast").is_hidden()  # toggles need the script
        page.click("button:has-text('Vào thi')")
        expect(page.locator("noscript")).to_have_count(1)
        expect(page.locator("#quiz-remaining")).to_have_text(re.compile(r"^\d\d:\d\d$"))
        questions = page.locator("li.question[data-question]")
        count = questions.count()
        for index in range(count):
            questions.nth(index).locator("label.option").first.click()
        page.fill("input[name=prediction]", "12")
        page.click("#quiz-submit")
        expect(page.locator("h1")).to_have_text("Kết quả bài thi")
        attempt = Attempt.objects.get(participant=participant, round=round)
        assert attempt.is_finished and attempt.prediction == 12
        assert attempt.answers.exclude(selected=[]).count() == count == 5
    finally:
        context.close()
        connections.close_all()
