"""The official reports in real Chromium: a unit representative signs in with the phone as
people type it, opens /bao-cao/, downloads the unit's report for Đợt 1 and for the whole
contest as .docx and PDF, and finds in them the figures the page's table shows; an organiser
downloads the committee's summary with every published round's winners."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from docx import Document
from pypdf import PdfReader

from participants.models import UnitRepresentative
from participants.services import ORGANISER_GROUP
from tests.factories import ContestFactory, UserFactory
from tests.leaderboard.builders import report_contest

pytestmark = [pytest.mark.browser]

PASSWORD = "mat-khau-an-toan-2024"
SCREENSHOTS = Path(__file__).parent / "screenshots"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def _docx_text(path: str) -> str:
    document = Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return _flat(" ".join([*(p.text for p in document.paragraphs), *cells]))


def _pdf_text(path: str) -> str:
    return _flat(" ".join(page.extract_text() for page in PdfReader(path).pages))


def _sign_in(page, phone: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", phone)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _download(page, link_text: str, tmp_path: Path) -> tuple[str, str]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_text).first.click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, str(target)


def _row_figures(page, unit_name: str) -> dict[str, str]:
    """The page's table row of a unit: headcount, registered, took part, attempts, rate."""
    row = page.locator("table.data tbody tr").filter(
        has=page.locator("th", has_text=re.compile(rf"^\s*{re.escape(unit_name)}\s*$"))
    )
    cells = [_flat(text) for text in row.locator("td").all_inner_texts()]
    return {
        "headcount": cells[0],
        "registered": cells[1],
        "took_part": cells[2],
        "attempts": cells[3],
        "rate": cells[4],
    }


def test_representative_downloads_the_unit_report_from_bao_cao(
    browser_context, transactional_db, tmp_path
):
    contest, units, _round1, _round2 = report_contest()
    ContestFactory(slug="cuoc-thi-moi", name="Cuộc thi tìm hiểu pháp luật năm 2025")
    representative = UserFactory(phone="+84933333333", password=PASSWORD)
    UnitRepresentative.objects.create(user=representative, unit=units["office"])
    page = browser_context.new_page()
    _sign_in(page, "0933 333 333")

    # /bao-cao/ opens on the current contest; the representative picks last year's, then Đợt 1.
    page.goto("/bao-cao/")
    page.select_option("#contest-picker", label=contest.name)
    page.click("form.contest-picker button[type=submit]")
    page.wait_for_url(re.compile(r"cuoc_thi=bao-cao-mau"))
    page.get_by_role("link", name="Đợt 1").click()
    page.wait_for_url(re.compile(r"dot=1"))
    shown = _row_figures(page, "Phòng Chuyển đổi số")
    assert (shown["headcount"], shown["took_part"], shown["rate"]) == ("15", "10", "66,7 %")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "bao-cao-dau-moi-360.png"), full_page=True)

    name, docx = _download(page, "Báo cáo (.docx)", tmp_path)
    assert name == "bao-cao-p-cds-bao-cao-mau-dot-1.docx"
    name, pdf = _download(page, "Báo cáo (PDF)", tmp_path)
    assert name == "bao-cao-p-cds-bao-cao-mau-dot-1.pdf"
    sentence = (
        f"theo chỉ tiêu: {shown['headcount']} người; đã đăng ký tài khoản dự thi: "
        f"{shown['registered']} người; đã dự thi: {shown['took_part']} người với "
        f"{shown['attempts']} lượt thi; tỷ lệ tham gia: {shown['rate']}"
    )
    for text in (_docx_text(docx), _pdf_text(pdf)):
        assert "PHÒNG CHUYỂN ĐỔI SỐ" in text
        assert "(Đợt 1)" in text
        assert sentence in text
        assert "Lê Thị Chuyển" in text and "09******78" in text

    page.get_by_role("link", name="Cả cuộc thi").click()
    page.wait_for_url(lambda url: "dot=" not in url)
    shown = _row_figures(page, "Phòng Chuyển đổi số")
    assert (shown["headcount"], shown["took_part"], shown["rate"]) == ("15", "11", "73,3 %")
    name, docx = _download(page, "Báo cáo (.docx)", tmp_path)
    assert name == "bao-cao-p-cds-bao-cao-mau.docx"
    _name, pdf = _download(page, "Báo cáo (PDF)", tmp_path)
    sentence = (
        f"theo chỉ tiêu: {shown['headcount']} người; đã đăng ký tài khoản dự thi: "
        f"{shown['registered']} người; đã dự thi: {shown['took_part']} người với "
        f"{shown['attempts']} lượt thi; tỷ lệ tham gia: {shown['rate']}"
    )
    for text in (_docx_text(docx), _pdf_text(pdf)):
        assert sentence in text
        assert "Kết quả của Đợt 2 chưa được Ban Tổ chức công bố." in text
    # Their own unit and its sub-units only: nothing else is offered.
    assert page.get_by_role("link", name="Tổng kết (PDF)").count() == 0
    page.close()


def test_organiser_downloads_the_committee_summary_from_bao_cao(
    browser_context, transactional_db, tmp_path
):
    report_contest()
    organiser = UserFactory(phone="+84900000009", password=PASSWORD, is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    page = browser_context.new_page()
    _sign_in(page, "84900000009")
    page.goto("/bao-cao/?cuoc_thi=bao-cao-mau")
    name, docx = _download(page, "Tổng kết (.docx)", tmp_path)
    assert name == "bao-cao-tong-ket-bao-cao-mau.docx"
    name, pdf = _download(page, "Tổng kết (PDF)", tmp_path)
    assert name == "bao-cao-tong-ket-bao-cao-mau.pdf"
    for text in (_docx_text(docx), _pdf_text(pdf)):
        for winner in ("Hoàng Văn Y", "Lê Thị Chuyển", "Trịnh Văn Hạ"):
            assert winner in text
        assert "Kết quả đợt thi chưa được Ban Tổ chức công bố." in text  # Đợt 2
    assert len(Document(docx).inline_shapes) == 4
    assert PdfReader(pdf).pages[0].extract_text().startswith("UBND TỈNH THANH HÓA")
    page.close()
