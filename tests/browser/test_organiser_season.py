"""A whole season run by an organiser in real Chromium, as a new committee would: log in at
/admin/ with the README's number as typed, import questions into a new bank, create the
contest and its four weekly rounds with the season set-up, fix what the pre-flight page
finds, publish the contest, let participants take the open round, close it (confirmed),
rank, find publishing refused while a tie at a prize cut is open, decide the tie with a
reason, publish (confirmed), download a certificate and read the ranking export back."""

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from leaderboard.models import Award
from participants.services import ORGANISER_GROUP
from quizzes.bank import COLUMNS
from quizzes.models import Question, QuestionBank
from rounds.models import Contest, Round
from tests.factories import (
    FinishedAttemptFactory,
    ParticipantFactory,
    TopicFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser]

PASSWORD = "thidemo2024"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
CONTEST_NAME = "Cuộc thi tìm hiểu về chuyển đổi số năm 2025"
BANK_NAME = "Ngân hàng câu hỏi năm 2025"


def _question_file(tmp_path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([label for _key, label, _aliases in COLUMNS])
    for n in range(1, 9):
        sheet.append(
            ["chuyen-doi-so", "Dễ", "một đáp án", f"Câu hỏi mùa mới số {n}?", "Đúng", "Sai",
             "Không phải", "", "", "", "A", "", ""]
        )  # fmt: skip
    path = tmp_path / "cau-hoi-2025.xlsx"
    workbook.save(path)
    return path


def _admin_action(page, round_ids: list[int], action: str) -> None:
    page.goto("/admin/rounds/round/")
    for round_id in round_ids:
        page.check(f"input.action-select[value='{round_id}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def _take_attempt(browser, base_url: str, phone_typed: str, right: int) -> None:
    """A participant signs in with the phone as typed and answers `right` questions right."""
    context = browser.new_context(base_url=base_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", phone_typed)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/")
    expect(page.get_by_text(CONTEST_NAME).first).to_be_visible()
    page.click("button:has-text('Vào thi')")
    questions = page.locator("li.question[data-question]")
    expect(questions.first).to_be_visible()
    for index in range(questions.count()):
        wanted = "Đúng" if index < right else "Sai"
        questions.nth(index).locator("label.option").filter(
            has=page.get_by_text(wanted, exact=True)
        ).click()
        expect(questions.nth(index).locator("[data-save-state]")).to_have_attribute(
            "data-state", "saved"
        )
    page.fill("input[name=prediction]", "1")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#quiz-submit")
    expect(page.locator("h1")).to_have_text("Kết quả bài thi")
    context.close()


def test_an_organiser_runs_a_whole_season(
    browser, live_server, transactional_db, settings, tmp_path
):
    settings.SITE_URL = "https://cuocthi.thanhhoa.gov.vn"
    organiser = UserFactory(phone="+84900000001", password=PASSWORD, is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    TopicFactory(name="Chuyển đổi số", slug="chuyen-doi-so")
    unit = UnitFactory(name="Sở Thông tin và Truyền thông")
    people = [
        ParticipantFactory(
            user=UserFactory(phone=f"+8491200000{n}", password=PASSWORD),
            full_name=name,
            unit=unit,
        )
        for n, name in ((1, "Lê Thị Hoa"), (2, "Trần Văn Bình"), (3, "Đỗ Văn Nam"))
    ]
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(20_000)
    page = context.new_page()

    # 1. Log in at /admin/ with the number as the README prints it (the admin's login is the
    #    site's own; two-factor set-up is tested in tests/browser/test_staff_mfa.py).
    page.goto("/admin/")
    page.fill("input[name=login]", "0900000001")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/admin/"))
    expect(page.locator("#user-tools")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # 2. Import the questions into a new bank.
    page.goto("/admin/quizzes/question/import/")
    page.set_input_files("input[name=file]", str(_question_file(tmp_path)))
    page.fill("input[name=new_bank_name]", BANK_NAME)
    page.uncheck("input[name=as_inactive]")
    page.click("input[type=submit]:has-text('Kiểm tra và xem trước')")
    expect(page.get_by_text("Sẽ tạo 8 câu hỏi")).to_be_visible()
    expect(page.locator("#live-rounds")).to_have_count(0)  # a new bank: no running round
    page.screenshot(path=str(tmp_path / "import-preview.png"), full_page=True)
    page.click("input[type=submit]:has-text('Xác nhận nhập')")
    expect(page.locator(".messagelist")).to_contain_text("Đã nhập 8 câu hỏi")
    bank = QuestionBank.objects.get(name=BANK_NAME)
    assert bank.slug == "ngan-hang-cau-hoi-nam-2025"
    assert Question.objects.filter(bank=bank, is_active=True).count() == 8

    # 3. The season set-up: a new contest, four rounds from today 00:00, the new bank.
    today = timezone.localdate()
    page.goto("/admin/rounds/round/")
    page.click("a:has-text('Tạo các đợt thi của mùa thi')")
    page.fill("input[name=new_name]", CONTEST_NAME)
    page.fill("input[name=first_day]", today.isoformat())
    page.check(f"input[name=banks][value='{bank.pk}']")
    page.click("input[name=preview]")
    expect(page.locator("#season-windows tbody tr")).to_have_count(4)
    page.screenshot(path=str(SCREENSHOTS / "season-form.png"), full_page=True)
    page.click("input[name=create]")
    expect(page.locator(".messagelist")).to_contain_text("Đã tạo 4 đợt thi")
    contest = Contest.objects.get(name=CONTEST_NAME)
    assert contest.slug == "cuoc-thi-tim-hieu-ve-chuyen-doi-so-nam-2025"
    assert not contest.is_active  # a draft: the site is untouched
    rounds = list(contest.rounds.order_by("number"))
    first = rounds[0]
    assert [r.number for r in rounds] == [1, 2, 3, 4] and first.is_open

    # 4. The contest's rules: five questions an attempt; the organiser printed on certificates.
    page.goto(f"/admin/rounds/contest/{contest.pk}/change/")
    page.fill("input[name=questions_per_attempt]", "5")
    page.fill("input[name=organiser_name]", "Ban Tổ chức Cuộc thi")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()

    # 5. Round 1 draws "5 easy questions of any topic"; it is running, so the change needs the
    #    confirmation that names it.
    page.goto(f"/admin/rounds/round/{first.pk}/change/")
    page.locator("#draw_rules-group .add-row a").click()
    page.select_option("select[name=draw_rules-0-difficulty]", "1")
    page.fill("input[name=draw_rules-0-count]", "5")
    page.click("input[name=_continue]")
    expect(page.locator(".errornote, .errorlist").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "round-live-confirm.png"), full_page=True)
    assert first.draw_rules.count() == 0
    page.check("input[name=confirm_live_change]")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert first.draw_rules.get().topic is None

    # 6. Pre-flight: the contest is still a draft.
    page.click("#preflight-link")
    expect(page.locator("#preflight-summary")).to_contain_text("1 mục chưa đạt")
    expect(page.locator("tr.preflight-fail")).to_contain_text("Cuộc thi đã công bố")

    # 7. Publish the contest and make it the site's current one; the pre-flight passes.
    page.goto("/admin/rounds/contest/")
    for action in ("publish_contests", "make_current"):
        page.check(f"input.action-select[value='{contest.pk}']")
        page.select_option("select[name=action]", action)
        page.click("button[name=index]")
        expect(page.locator(".messagelist .success")).to_be_visible()
    contest.refresh_from_db()
    assert contest.is_active and contest.is_current
    page.goto(f"/admin/rounds/round/{first.pk}/preflight/")
    expect(page.locator("#preflight-summary")).to_contain_text("Mọi mục đều đạt")
    page.screenshot(path=str(SCREENSHOTS / "preflight.png"), full_page=True)
    page.goto("/admin/")  # the index's dashboard of the current contest
    page.screenshot(path=str(SCREENSHOTS / "admin-index.png"), full_page=True)

    # 8. Participants take the open round (5, 3 and 1 right answers).
    for person, right in zip(people, (5, 3, 1), strict=True):
        typed = "0912 000 00" + person.user.phone[-1]
        _take_attempt(browser, live_server.url, typed, right)

    # Two more people, entered on paper by the committee's rules for this test: full marks, the
    # same prediction and the same time to the millisecond, so they tie for the one Giải Nhất.
    tied_start = timezone.now() - dt.timedelta(minutes=2)
    tied = [
        FinishedAttemptFactory(
            round=first,
            participant=ParticipantFactory(full_name=name, unit=unit),
            started_at=tied_start,
            duration_ms=50,  # faster than any browser run of the test (one took 921 ms)
            score=5,
            prediction=1,
        ).participant
        for name in ("Nguyễn Thị An", "Phạm Văn Cường")
    ]

    # 9. Close now: the confirmation says what will happen to how many people.
    _admin_action(page, [first.pk], "close_now")
    expect(page.locator(".action-impact")).to_contain_text(
        "5 người đã nộp bài sẽ được xếp hạng sau thời gian gia hạn."
    )
    page.screenshot(path=str(tmp_path / "close-confirm.png"), full_page=True)
    first.refresh_from_db()
    assert first.is_open  # not yet
    page.click("input[type=submit][value='Đóng đợt thi ngay']")
    expect(page.locator(".messagelist")).to_contain_text("đã đóng")
    first.refresh_from_db()
    assert first.state == Round.State.CLOSED

    # 10. Rank (after the grace for the last saves), confirmed.
    page.wait_for_timeout((contest.grace_seconds + 1) * 1000)
    _admin_action(page, [first.pk], "recompute_ranking")
    page.click("input[type=submit][value='Xếp hạng lại']")
    expect(page.locator(".messagelist")).to_contain_text("5 người được xếp hạng")

    # 11. The tie at the Giải Nhất cut: publishing is refused while it is open; the organiser
    #     records a decision (both share the prize) with its reason, then publishing goes on.
    _admin_action(page, [first.pk], "publish_results")
    page.click("input[type=submit][value='Công bố kết quả']")
    expect(page.locator(".messagelist")).to_contain_text("đồng hạng")
    first.refresh_from_db()
    assert first.state == Round.State.RANKED
    _admin_action(page, [first.pk], "decide_ties")
    tie_form = page.locator("fieldset", has_text="Giải Nhất: 2 người đồng hạng cho 1 suất")
    for person in tied:
        expect(tie_form).to_contain_text(person.full_name)
    tie_form.locator("input[name=outcome][value=share]").check()
    tie_form.locator("textarea[name=reason]").fill("Biên bản họp Ban Tổ chức số 12: đồng giải")
    tie_form.locator("input[name=apply]").click()
    expect(page.locator(".messagelist")).to_contain_text("đã ghi quyết định")
    assert {
        award.participant_id
        for award in Award.objects.filter(round=first, tier__name="Giải Nhất", shared=True)
    } == {person.pk for person in tied}

    # 12. Publish, confirmed.
    _admin_action(page, [first.pk], "publish_results")
    expect(page.locator(".action-impact")).to_contain_text("Kết quả của 5 người")
    page.click("input[type=submit][value='Công bố kết quả']")
    expect(page.locator(".messagelist")).to_contain_text("đã công bố kết quả")
    first.refresh_from_db()
    assert first.state == Round.State.PUBLISHED

    # 13. The winner downloads the prize certificate.
    winner = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    winner_page = winner.new_page()
    winner_page.goto("/accounts/login/")
    winner_page.fill("input[name=login]", "0912000001")
    winner_page.fill("input[name=password]", PASSWORD)
    winner_page.click("main button[type=submit]")
    winner_page.wait_for_url(lambda url: "/accounts/login/" not in url)
    winner_page.goto("/lich-su-thi/")
    link = winner_page.locator("a:has-text('Tải chứng nhận đạt giải (PDF)')")
    response = winner.request.get(link.get_attribute("href"))  # the browser's own session
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    winner.close()

    # 14. The ranking export, read back with openpyxl.
    page.goto(f"/bao-cao/?cuoc_thi={contest.slug}&dot=1")
    with page.expect_download() as info:
        page.click("a:has-text('Bảng xếp hạng đợt (.xlsx)')")
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] is not None]
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Hạng")
    ranking = [(row[0], row[1], row[4]) for row in rows[header_at + 1 :]]
    # Submission times are Excel dates, not text.
    assert all(
        any(isinstance(value, dt.datetime) for value in row) for row in rows[header_at + 1 :]
    )
    assert sorted((int(rank), name, int(score)) for rank, name, score in ranking) == [
        (1, "Nguyễn Thị An", 5),
        (1, "Phạm Văn Cường", 5),
        (3, "Lê Thị Hoa", 5),
        (4, "Trần Văn Bình", 3),
        (5, "Đỗ Văn Nam", 1),
    ]
    assert re.search(r"\.xlsx$", info.value.suggested_filename)
    context.close()
