"""A published round's results page in real Chromium: the results file downloaded by the
browser hashes to the SHA-256 printed on the page; an undecided tie, the correction notice and
the "Nhật ký công bố" are shown."""

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from leaderboard.models import PublicationEvent
from operations.pipeline import (
    published_rounds_change_confirm,
    round_publish_and_announce,
    round_rank,
)
from rounds.services import disqualification_create
from tests.factories import (
    FinishedAttemptFactory,
    ParticipantFactory,
    PrizeTierFactory,
    RoundFactory,
    published_round_in_finishing_order,
)

from .conftest import template_syntax_leaks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp"))


@pytest.fixture
def corrected_round(transactional_db):
    now = timezone.now()
    round = RoundFactory(
        name="Đợt 1", starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1)
    )
    PrizeTierFactory(round=round, name="Giải Nhất", count=1, order=1)
    PrizeTierFactory(round=round, name="Giải Nhì", count=1, order=2)
    start = round.starts_at + dt.timedelta(hours=1)
    people = []
    for index, (score, prediction) in enumerate([(5, 2), (4, 1), (4, 1), (3, None), (5, 90)]):
        person = ParticipantFactory(full_name=f"Nguyễn Văn {'ABCDE'[index]}")
        FinishedAttemptFactory(
            round=round, participant=person, score=score, prediction=prediction, started_at=start
        )
        people.append(person)
    round_rank(round_id=round.pk)
    round_publish_and_announce(
        round_id=round.pk, actor=None, share_open_ties_reason="Hai người đồng hạng cùng nhận giải"
    )
    published_rounds_change_confirm(
        round_ids=[round.pk],
        apply=lambda: disqualification_create(
            contest=round.contest, participant=people[4], reason="Thi hộ", actor=None
        )[1],
        reason="Loại 01 thí sinh thi hộ theo Quyết định số 45/QĐ-BTC",
        actor=None,
    )
    return round


def test_the_downloaded_file_hashes_to_the_digest_on_the_page(page, live_server, corrected_round):
    page.goto(f"/ket-qua/dot/{corrected_round.pk}/")
    page.screenshot(path=str(SCREENSHOTS / "published-results.png"), full_page=True)
    html = page.content()
    assert template_syntax_leaks(html) == []
    digest = page.locator("#results-digest").inner_text().strip()
    assert len(digest) == 64
    with page.expect_download() as download_info:
        page.locator("#results-download").click()
    path = download_info.value.path()
    content = Path(path).read_bytes()
    assert hashlib.sha256(content).hexdigest() == digest

    text = page.locator("main").inner_text() if page.locator("main").count() else html
    # Disqualifying E (second) left B and C tied for the single Nhì place: shown as undecided.
    assert text.count("Đồng hạng — chờ Ban Tổ chức quyết định") == 2
    assert "Đính chính ngày" in text
    assert "Loại 01 thí sinh thi hộ theo Quyết định số 45/QĐ-BTC" in text
    log = page.locator("ol.publication-log li")
    assert log.count() == 2
    assert "Công bố kết quả" in log.nth(0).inner_text()
    assert "Đính chính" in log.nth(1).inner_text()
    correction = PublicationEvent.objects.get(kind=PublicationEvent.Kind.CORRECTION)
    assert correction.digest == digest  # the digest after the correction is the current one


def test_a_long_correction_folds_its_tail_and_opens_on_a_tap(page, live_server, transactional_db):
    """Disqualifying the winner of 30 moves everyone: on a phone the notice shows who leaves,
    who takes the prize and the first 20 moves, then "Xem thêm 8 người…", which opens the rest
    without JavaScript."""
    round, people = published_round_in_finishing_order(people=30, name="Trần Thị Số")
    published_rounds_change_confirm(
        round_ids=[round.pk],
        apply=lambda: disqualification_create(
            contest=round.contest, participant=people[0], reason="Thi hộ", actor=None
        )[1],
        reason="Loại 01 bài thi hộ",
        actor=None,
    )

    page.goto(f"/ket-qua/dot/{round.pk}/")
    notice = page.locator("section.correction")
    assert notice.locator("table").first.locator("tbody tr").count() == 2 + 20
    rest = notice.locator("details.correction-rest")
    expect(rest.locator("summary")).to_have_text(
        "Xem thêm 8 người chỉ thay đổi thứ hạng, không thay đổi giải"
    )
    expect(rest.locator("table")).to_be_hidden()
    rest.locator("summary").click()
    expect(rest.locator("table")).to_be_visible()
    assert rest.locator("tbody tr").count() == 8
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert template_syntax_leaks(page.content()) == []
    notice.screenshot(path=str(SCREENSHOTS / "correction-notice-360.png"))
