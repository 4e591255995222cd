"""Official reports (Nghị định 30/2020/NĐ-CP layout): the .docx read back with python-docx and
the PDF with pypdf carry the same, hand-computed figures of a unit with sub-units; who may
generate what; the audit log; personal data; the committee's summary; the settings and their
admin preview. The figures of `report_contest` (tests/leaderboard/builders.py):

so-tt, whole contest: headcount 4 + 10 + 5 + 6 = 25; took part 2 + 8 + 3 + 1 = 14 (56,0 %;
80 % needs 20, so 6 missing); attempts 2 + (8 + 4) + (3 + 1) + 1 = 19; registered 2 + 8 + 3 + 3 = 16.
p-cds with to-hts: 15 people, 11 took part (73,3 %, 1 missing), 16 attempts; to-hts 3/5 (60,0 %);
vp-so 1/6 (16,7 %, 4 missing); so-tt's own people 2/4 (50,0 %).
Đợt 1: so-tt 13/25 (52,0 %) with 14 attempts; Đợt 2: 5/25 (20,0 %)."""

import io
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from docx.shared import Mm
from pypdf import PdfReader

from core.models import AuditLogEntry
from leaderboard.models import OfficialReportSettings
from leaderboard.reports.document import decree_date
from leaderboard.statistics import participation_refresh
from participants.models import UnitRepresentative
from participants.services import PERSONAL_DATA_GROUP
from tests.factories import ContestFactory, UnitFactory, UserFactory

from .builders import REPORT_NOW, report_contest

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def clock():
    with time_machine.travel(REPORT_NOW, tick=False):
        yield


@pytest.fixture
def world(db, clock):
    contest, units, round1, round2 = report_contest()
    return {"contest": contest, "units": units, "round1": round1, "round2": round2}


def _unit_url(code: str, fmt: str, *, contest: str = "bao-cao-mau", round: int | None = None):
    url = reverse("leaderboard:unit_document", args=[code, fmt]) + f"?cuoc_thi={contest}"
    return url + (f"&dot={round}" if round else "")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def docx_paragraphs(content: bytes) -> list[str]:
    """Every paragraph of the document body, the heading's and tables' cells included."""
    document = Document(io.BytesIO(content))
    namespace = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return [
        _flat("".join(node.text or "" for node in paragraph.iter(f"{namespace}t")))
        for paragraph in document.element.body.iter(f"{namespace}p")
    ]


def docx_table(content: bytes, header: str) -> list[list[str]]:
    """The rows (cells' text) of the first table whose header row holds `header`."""
    document = Document(io.BytesIO(content))
    for table in document.tables:
        rows = [[_flat(cell.text) for cell in row.cells] for row in table.rows]
        if header in rows[0]:
            return rows
    raise AssertionError(f"no table with {header!r}")


def pdf_text(content: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


# The unit report of so-tt for the whole contest: sentences and table rows, by hand.
UNIT_SENTENCES = [
    "UBND TỈNH THANH HÓA",
    "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: /BC-SOTT",
    "Thanh Hóa, ngày 05 tháng 10 năm 2024",
    "BÁO CÁO",
    "Kính gửi: Ban Tổ chức Cuộc thi trực tuyến tìm hiểu về chuyển đổi số năm 2024",
    "Thực hiện Thể lệ số 227/TL-BTC ngày 29/8/2024",
    "tổng hợp lúc 09:30 ngày 05/10/2024",
    "theo chỉ tiêu: 25 người; đã đăng ký tài khoản dự thi: 16 người; đã dự thi: 14 người "
    "với 19 lượt thi; tỷ lệ tham gia: 56,0 % (chỉ tiêu 80 %; tối thiểu để xét giải tập thể 50 %)",
    "Đơn vị chưa đạt chỉ tiêu 80 % số người tham gia Cuộc thi: 14/25 người, tỷ lệ 56,0 %; "
    "còn thiếu 6 người để đạt chỉ tiêu.",
    "đơn vị đang xếp thứ 2 trong 2 đơn vị đủ điều kiện",
    "Có 0/2 đơn vị trực thuộc đạt chỉ tiêu.",
    "Phòng Chuyển đổi số (73,3 %, còn thiếu 1 người)",
    "Văn phòng Sở (16,7 %, còn thiếu 4 người)",
    "Kết quả của Đợt 2 chưa được Ban Tổ chức công bố.",
    "Số điện thoại được che một phần để bảo vệ dữ liệu cá nhân.",
    "Nơi nhận:",
    "- Như trên;",
    "- Lưu: VT.",
    "THỦ TRƯỞNG ĐƠN VỊ",
]
SUB_UNIT_ROWS = [
    ["1", "Sở Thông tin và Truyền thông (trực tiếp)", "4", "2", "2", "2", "50,0 %", "Còn thiếu 2 người"],
    ["2", "Phòng Chuyển đổi số", "15", "11", "11", "16", "73,3 %", "Còn thiếu 1 người"],
    ["3", "Tổ Hạ tầng số", "5", "3", "3", "4", "60,0 %", "Còn thiếu 1 người"],
    ["4", "Văn phòng Sở", "6", "3", "1", "1", "16,7 %", "Còn thiếu 4 người"],
    ["", "Tổng cộng", "25", "16", "14", "19", "56,0 %", "Còn thiếu 6 người"],
]  # fmt: skip
ROUND_ROWS = [
    ["1", "Đợt 1", "00h 09/9/2024 – 00h 13/9/2024", "13", "14", "52,0 %"],
    ["2", "Đợt 2", "00h 16/9/2024 – 00h 20/9/2024", "5", "5", "20,0 %"],
]
WINNER_ROWS = [
    ["1", "Đợt 1", "Giải Nhì", "Lê Thị Chuyển", "09******78", "Phòng Chuyển đổi số", "5", "200,000"],
    ["2", "Đợt 1", "Giải Nhì", "Trịnh Văn Hạ", "09******21", "Tổ Hạ tầng số", "4", "100,000"],
]  # fmt: skip


def test_unit_report_docx_has_the_hand_computed_figures(world, organiser_client):
    response = organiser_client.get(_unit_url("so-tt", "docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert 'filename="bao-cao-so-tt-bao-cao-mau.docx"' in response["Content-Disposition"]
    paragraphs = docx_paragraphs(response.content)
    text = " ".join(paragraphs)
    for sentence in UNIT_SENTENCES:
        assert sentence in text, sentence
    assert docx_table(response.content, "Đánh giá")[1:] == SUB_UNIT_ROWS
    rounds = docx_table(response.content, "Đợt thi")
    assert rounds[1:3] == ROUND_ROWS
    assert rounds[3][1] == "Cả cuộc thi (mỗi người chỉ tính một lần)"
    assert rounds[3][3:] == ["14", "19", "56,0 %"]
    assert docx_table(response.content, "Họ và tên")[1:] == WINNER_ROWS
    # The bystander unit's winner is not in so-tt's report.
    assert "Hoàng Văn Y" not in text and "Sở Y tế" not in text


def test_unit_report_docx_page_and_type_follow_the_decree(world, organiser_client):
    document = Document(io.BytesIO(organiser_client.get(_unit_url("so-tt", "docx")).content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 13
    # Page numbers from the second page on.
    assert section.different_first_page_header_footer
    assert 'w:instr="PAGE"' in section.header._element.xml
    # The heading is a two-column table: issuing body left, national title right.
    heading = document.tables[0]
    left, right = (cell.text for cell in heading.rows[0].cells)
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in left and "Số:" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Thanh Hóa, ngày" in right
    assert heading.columns[0].width < heading.columns[1].width
    assert round(sum(c.width for c in heading.columns) / Mm(1)) == 165
    # The signature block is left blank for the head of the unit.
    signature = document.tables[-1]
    signer = signature.rows[0].cells[1].text.strip()
    assert signer == "THỦ TRƯỞNG ĐƠN VỊ"


def test_unit_report_pdf_carries_the_same_figures_as_the_docx(world, organiser_client):
    docx = organiser_client.get(_unit_url("so-tt", "docx")).content
    response = organiser_client.get(_unit_url("so-tt", "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for sentence in UNIT_SENTENCES:
        assert sentence in text, sentence
    # Every cell of every table of the .docx is in the PDF too.
    for header in ("Đánh giá", "Đợt thi", "Họ và tên"):
        for row in docx_table(docx, header):
            for cell in row:
                assert cell in text, (header, cell)
    assert "Hoàng Văn Y" not in text


def test_unit_report_pdf_is_a4_in_an_embedded_vietnamese_serif_with_the_heading_in_place(
    world, organiser_client
):
    reader = PdfReader(io.BytesIO(organiser_client.get(_unit_url("so-tt", "pdf")).content))
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)
    fonts = {str(font["/BaseFont"]) for font in first["/Resources"]["/Font"].values()}
    assert any("LiberationSerif" in font for font in fonts), fonts
    assert any("LiberationSerif-Bold" in font for font in fonts), fonts
    placed: dict[str, tuple[float, float]] = {}

    def visit(text, cm, tm, _font, _size):
        if text.strip():  # where the line starts on the page: the text matrix, transformed
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            placed.setdefault(text.strip(), (x, y))

    first.extract_text(visitor_text=visit)
    issuer_x, issuer_y = placed["SỞ THÔNG TIN VÀ TRUYỀN"]  # wrapped in its column
    motto_x, motto_y = placed["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    title_x, title_y = placed["BÁO CÁO"]
    mm = 72 / 25.4
    # Left column from the 30 mm margin, right column beside it, both in the top 35 mm.
    assert 30 * mm <= issuer_x < 95 * mm < motto_x
    assert min(issuer_y, motto_y) > 842 - 45 * mm
    assert title_y < min(issuer_y, motto_y)
    assert 95 * mm < title_x < 110 * mm  # centred on the text width (112.5 mm)
    # The page number is not printed on the first page, and is on the second.
    assert first.extract_text().splitlines()[0].strip() == "UBND TỈNH THANH HÓA"
    second = reader.pages[1].extract_text().strip().splitlines()[0]
    assert second.strip() == "2"


def test_a_round_report_has_that_rounds_figures(world, organiser_client):
    docx = organiser_client.get(_unit_url("so-tt", "docx", round=1)).content
    pdf = organiser_client.get(_unit_url("so-tt", "pdf", round=1)).content
    for text in (" ".join(docx_paragraphs(docx)), pdf_text(pdf)):
        assert "(Đợt 1)" in text
        assert "Đợt 1 (từ 00h ngày 09/9/2024 đến 00h ngày 13/9/2024)" in text
        assert "đã dự thi: 13 người với 14 lượt thi; tỷ lệ tham gia: 52,0 %" in text
        assert "Lê Thị Chuyển" in text
        assert "chưa được Ban Tổ chức công bố" not in text
    rows = docx_table(docx, "Đánh giá")
    # Registered for the round: its 10 people who took part count even though their accounts
    # were created after it ended (the builders' accounts are made today).
    assert rows[2] == [
        "2",
        "Phòng Chuyển đổi số",
        "15",
        "10",
        "10",
        "11",
        "66,7 %",
        "Còn thiếu 2 người",
    ]
    assert rows[-1][4:7] == ["13", "14", "52,0 %"]
    with pytest.raises(AssertionError):
        docx_table(docx, "Thời gian")  # no table of rounds in a round's report


def test_a_sub_units_report_is_headed_by_its_parent(world, organiser_client):
    text = " ".join(docx_paragraphs(organiser_client.get(_unit_url("to-hts", "docx")).content))
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" not in text  # the parent of to-hts is p-cds
    assert "PHÒNG CHUYỂN ĐỔI SỐ" in text and "TỔ HẠ TẦNG SỐ" in text
    assert "Đơn vị không có đơn vị trực thuộc." in text
    assert "Trịnh Văn Hạ" in text and "Lê Thị Chuyển" not in text
    assert "Đơn vị chưa đủ điều kiện xét giải tập thể (dưới 10 người)." in text


def test_representative_gets_own_unit_and_sub_units_only(world, client):
    representative = UserFactory()
    UnitRepresentative.objects.create(user=representative, unit=world["units"]["office"])
    client.force_login(representative)
    for code in ("p-cds", "to-hts"):
        response = client.get(_unit_url(code, "pdf"))
        assert response.status_code == 200, code
        assert response["Content-Type"] == "application/pdf"
    for code in ("so-tt", "vp-so", "so-yt"):
        for fmt in ("docx", "pdf"):
            response = client.get(_unit_url(code, fmt))
            assert response.status_code == 403, (code, fmt)
            assert response["Content-Type"].startswith("text/html")
    assert client.get(reverse("leaderboard:committee_summary", args=["pdf"])).status_code == 403
    logged = AuditLogEntry.objects.filter(actor=representative, action="report_unit_document")
    assert sorted(logged.values_list("target_id", flat=True)) == sorted(
        [str(world["units"]["office"].pk), str(world["units"]["team"].pk)]
    )


def test_anonymous_and_plain_participants_get_nothing(world, client):
    response = client.get(_unit_url("so-tt", "pdf"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(_unit_url("so-tt", "pdf")).status_code == 403
    assert AuditLogEntry.objects.filter(action__startswith="report_").count() == 0


def test_bad_format_unit_or_round_are_404(world, organiser_client):
    assert organiser_client.get(_unit_url("so-tt", "odt")).status_code == 404
    assert organiser_client.get(_unit_url("khong-co", "pdf")).status_code == 404
    assert organiser_client.get(_unit_url("so-tt", "pdf", round=9)).status_code == 404
    assert (
        organiser_client.get(reverse("leaderboard:committee_summary", args=["xls"])).status_code
        == 404
    )


def test_generation_is_audit_logged_and_full_phones_need_the_permission(
    world, organiser, organiser_client
):
    masked = pdf_text(organiser_client.get(_unit_url("so-tt", "pdf", round=1)).content)
    assert "09******78" in masked and "0912 345 678" not in masked
    entry = AuditLogEntry.objects.get(action="report_unit_document")
    assert entry.actor == organiser
    assert entry.target_id == str(world["units"]["root"].pk)
    assert entry.details == {
        "contest": "bao-cao-mau",
        "round": 1,
        "format": "pdf",
        "full_personal_data": False,
    }
    organiser.groups.add(Group.objects.get(name=PERSONAL_DATA_GROUP))
    full = " ".join(
        docx_paragraphs(organiser_client.get(_unit_url("so-tt", "docx", round=1)).content)
    )
    assert "0912 345 678" in full and "09******78" not in full
    assert "Số điện thoại được che một phần" not in full
    assert AuditLogEntry.objects.filter(
        action="report_unit_document", details__full_personal_data=True
    ).exists()


def test_before_the_first_compilation_the_report_says_so(db, clock, organiser_client):
    ContestFactory(slug="chua-tong-hop")
    UnitFactory(code="don-vi-moi")
    url = _unit_url("don-vi-moi", "pdf", contest="chua-tong-hop")
    response = organiser_client.get(url)
    assert response.status_code == 409
    assert "chưa được tổng hợp" in response.content.decode()
    summary = reverse("leaderboard:committee_summary", args=["docx"]) + "?cuoc_thi=chua-tong-hop"
    assert organiser_client.get(summary).status_code == 409
    assert AuditLogEntry.objects.filter(action__startswith="report_").count() == 0


# --- The committee's summary ------------------------------------------------------------------


def _summary(client, fmt: str) -> bytes:
    response = client.get(
        reverse("leaderboard:committee_summary", args=[fmt]) + "?cuoc_thi=bao-cao-mau"
    )
    assert response.status_code == 200
    return response.content


SUMMARY_SENTENCES = [
    "BAN TỔ CHỨC CUỘC THI",
    "Số: /BC-BTC",
    "Tổng kết Cuộc thi trực tuyến tìm hiểu về chuyển đổi số năm 2024",
    "Tổng số người dự thi: 19 người với 24 lượt thi; trong đó 19 người thuộc các đơn vị, "
    "đạt 57,6 % số người theo chỉ tiêu của các đơn vị (33 người; chỉ tiêu 80 %)",
    "Chưa có đơn vị nào đạt chỉ tiêu 80 %.",
    "Có 2 đơn vị đủ điều kiện xét giải tập thể",
    "hạng 1: Phòng Chuyển đổi số (73,3 %); hạng 2: Sở Thông tin và Truyền thông (56,0 %)",
    "1. Đợt 1 (từ 00h ngày 09/9/2024 đến 00h ngày 13/9/2024)",
    "3 người đạt giải cá nhân",
    "2. Đợt 2 (từ 00h ngày 16/9/2024 đến 00h ngày 20/9/2024)",
    "Kết quả đợt thi chưa được Ban Tổ chức công bố.",
    "TM. BAN TỔ CHỨC",
    "TRƯỞNG BAN",
]


def test_committee_summary_docx_and_pdf(world, organiser_client):
    docx = _summary(organiser_client, "docx")
    pdf = _summary(organiser_client, "pdf")
    pdf_words = pdf_text(pdf)
    docx_words = " ".join(docx_paragraphs(docx))
    for sentence in SUMMARY_SENTENCES:
        assert sentence in docx_words, sentence
        assert sentence in pdf_words, sentence
    totals = docx_table(docx, "Giải cá nhân")
    assert totals[1:] == [
        ["1", "Đợt 1", "00h 09/9/2024 – 00h 13/9/2024", "18", "19", "3"],
        ["2", "Đợt 2", "00h 16/9/2024 – 00h 20/9/2024", "5", "5", "Chưa công bố"],
        ["", "Cả cuộc thi (mỗi người chỉ tính một lần)", "Cả cuộc thi (mỗi người chỉ tính một lần)", "19", "24", "3"],
    ]  # fmt: skip
    ranked = docx_table(docx, "Xét giải tập thể")
    assert [row[:5] for row in ranked[1:]] == [
        ["1", "Phòng Chuyển đổi số (thuộc Sở Thông tin và Truyền thông)", "15", "11", "73,3 %"],
        ["2", "Sở Thông tin và Truyền thông", "25", "14", "56,0 %"],
        ["—", "Sở Y tế", "8", "5", "62,5 %"],
        ["—", "Tổ Hạ tầng số (thuộc Phòng Chuyển đổi số)", "5", "3", "60,0 %"],
        ["—", "Văn phòng Sở (thuộc Sở Thông tin và Truyền thông)", "6", "1", "16,7 %"],
    ]  # fmt: skip
    assert ranked[3][6] == "Dưới 10 người"
    winners = [row for row in docx_table(docx, "Giải") if row[0].startswith("Giải ")]
    assert winners == [
        ["Giải Nhất", "1", "Hoàng Văn Y", "09******22", "Sở Y tế", "5", "100,000"],
        ["Giải Nhì", "2", "Lê Thị Chuyển", "09******78", "Phòng Chuyển đổi số", "5", "200,000"],
        ["Giải Nhì", "3", "Trịnh Văn Hạ", "09******21", "Tổ Hạ tầng số", "4", "100,000"],
    ]  # fmt: skip
    for row in winners:
        for cell in row:
            assert cell in pdf_words
    # The dashboard's four charts, as images in both.
    assert len(Document(io.BytesIO(docx)).inline_shapes) == 4
    images = sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert images == 4
    for caption in (
        "Hình 1. Người dự thi và lượt thi theo ngày",
        "Hình 2. Người dự thi và lượt thi theo giờ",
        "Hình 3. Tỷ lệ tham gia của các đơn vị (đường chỉ tiêu 80 %)",
        "Hình 4. Phân bố điểm theo đợt",
    ):
        assert caption in docx_words and caption in pdf_words
    assert AuditLogEntry.objects.filter(action="report_committee_summary").count() == 2


def test_committee_summary_is_for_organisers_only(world, client):
    client.force_login(UserFactory(is_staff=True))  # staff without the report permission
    assert client.get(reverse("leaderboard:committee_summary", args=["docx"])).status_code == 403


# --- Settings ---------------------------------------------------------------------------------


def test_settings_change_heading_number_recipients_and_signer(world, organiser_client):
    OfficialReportSettings.objects.create(
        contest=world["contest"],
        place_name="Hà Nội",
        governing_body="BỘ THÔNG TIN VÀ TRUYỀN THÔNG",
        unit_number_pattern="{so}/BC-{ky_hieu}-{nam}",
        unit_addressee="Vụ Thi đua - Khen thưởng",
        unit_recipients="- Như trên;\nGiám đốc Sở (để b/c);\n\nLưu: VT, VP.",
        unit_signer_title="KT. GIÁM ĐỐC\nphó giám đốc",
        summary_signer_name="Nguyễn Văn Trưởng",
    )
    for content in (
        organiser_client.get(_unit_url("so-tt", "docx")).content,
        organiser_client.get(_unit_url("so-tt", "pdf")).content,
    ):
        text = (
            " ".join(docx_paragraphs(content)) if content.startswith(b"PK") else pdf_text(content)
        )
        assert "BỘ THÔNG TIN VÀ TRUYỀN THÔNG" in text and "UBND TỈNH THANH HÓA" not in text
        assert "Số: /BC-SOTT-2024" in text
        assert "Hà Nội, ngày 05 tháng 10 năm 2024" in text
        assert "Kính gửi: Vụ Thi đua - Khen thưởng" in text
        assert "- Như trên; - Giám đốc Sở (để b/c); - Lưu: VT, VP." in text
        assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text
    summary = pdf_text(_summary(organiser_client, "pdf"))
    assert "Nguyễn Văn Trưởng" in summary and "Hà Nội, ngày 05 tháng 10 năm 2024" in summary


def test_number_pattern_refuses_unknown_placeholders(db):
    settings = OfficialReportSettings(contest=ContestFactory(), unit_number_pattern="{so}/BC-{ma}")
    with pytest.raises(ValidationError) as error:
        settings.full_clean()
    assert "Mẫu số hiệu chỉ được dùng {so}, {ky_hieu} và {nam}" in str(error.value)
    for broken in ("{so}/BC-{ky_hieu", "{0}/BC", "{so.real}/BC", "{so!z}/BC"):
        settings.unit_number_pattern = broken
        with pytest.raises(ValidationError):
            settings.full_clean()


def test_decree_dates_have_their_leading_zeros():
    import datetime as dt

    assert decree_date(dt.date(2024, 2, 5)) == ("05", "02", "2024")
    assert decree_date(dt.date(2024, 9, 27)) == ("27", "9", "2024")
    assert decree_date(dt.date(2024, 10, 4)) == ("04", "10", "2024")


def _settings_form(contest, **changes) -> dict:
    data = {
        field.name: field.get_default()
        for field in OfficialReportSettings._meta.concrete_fields
        if field.name not in ("id", "contest", "updated_at")
    }
    data["contest"] = contest.pk
    data.update(changes)
    return data


def test_admin_preview_uses_the_unsaved_form(world, organiser_client):
    stored = OfficialReportSettings.objects.create(contest=world["contest"])
    change = reverse("admin:leaderboard_officialreportsettings_change", args=[stored.pk])
    page = organiser_client.get(change).content.decode()
    assert "Xem trước báo cáo của đơn vị" in page and "Xem trước báo cáo tổng kết" in page
    preview = reverse("admin:leaderboard_officialreportsettings_preview", args=["don-vi"])
    data = _settings_form(
        world["contest"], object_id=stored.pk, unit_signer_title="CHÁNH VĂN PHÒNG"
    )
    response = organiser_client.post(preview, data)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    text = pdf_text(response.content)
    assert "CHÁNH VĂN PHÒNG" in text
    # The first top-level unit in tree order, whole contest.
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in text and "tính đến ngày 05/10/2024" in text
    stored.refresh_from_db()
    assert stored.unit_signer_title == "THỦ TRƯỞNG ĐƠN VỊ"  # nothing saved
    summary = organiser_client.post(
        reverse("admin:leaderboard_officialreportsettings_preview", args=["tong-ket"]),
        _settings_form(world["contest"], object_id=stored.pk, committee_name="BAN TỔ CHỨC HỘI THI"),
    )
    assert "BAN TỔ CHỨC HỘI THI" in pdf_text(summary.content)


def test_admin_preview_with_a_bad_pattern_says_why_and_saves_nothing(world, organiser_client):
    preview = reverse("admin:leaderboard_officialreportsettings_preview", args=["don-vi"])
    response = organiser_client.post(
        preview, _settings_form(world["contest"], unit_number_pattern="{x}"), follow=True
    )
    assert response.status_code == 200
    assert "Chưa xem trước được" in response.content.decode()
    assert "Mẫu số hiệu chỉ được dùng" in response.content.decode()
    assert not OfficialReportSettings.objects.exists()
    assert organiser_client.get(preview).status_code == 404  # a preview is a form post


def test_admin_preview_needs_an_organiser(world, client):
    client.force_login(UserFactory(is_staff=True))
    preview = reverse("admin:leaderboard_officialreportsettings_preview", args=["don-vi"])
    response = client.post(preview, _settings_form(world["contest"]))
    assert response.status_code == 403
    assert not AuditLogEntry.objects.filter(action__startswith="report_").exists()


def test_settings_admin_saves_with_the_defaults(world, organiser_client):
    add = reverse("admin:leaderboard_officialreportsettings_add")
    response = organiser_client.post(add, _settings_form(world["contest"]))
    assert response.status_code == 302
    stored = OfficialReportSettings.objects.get(contest=world["contest"])
    assert stored.place_name == "Thanh Hóa"
    assert stored.committee_governing_body == "UBND TỈNH THANH HÓA"


# --- Where the downloads are offered ---------------------------------------------------------


def test_report_pages_and_unit_admin_offer_the_documents(world, organiser_client, client):
    page = organiser_client.get(
        reverse("leaderboard:report") + "?cuoc_thi=bao-cao-mau"
    ).content.decode()
    assert reverse("leaderboard:committee_summary", args=["docx"]) in page
    assert reverse("leaderboard:committee_summary", args=["pdf"]) in page
    unit_page = organiser_client.get(
        reverse("leaderboard:unit_report", args=["p-cds"]) + "?cuoc_thi=bao-cao-mau&dot=1"
    ).content.decode()
    assert _unit_url("p-cds", "docx", round=1).replace("&", "&amp;") in unit_page
    unit = world["units"]["office"]
    admin_page = organiser_client.get(
        reverse("admin:participants_unit_change", args=[unit.pk])
    ).content.decode()
    assert reverse("leaderboard:unit_document", args=["p-cds", "docx"]) in admin_page
    assert reverse("leaderboard:unit_document", args=["p-cds", "pdf"]) in admin_page

    representative = UserFactory()
    UnitRepresentative.objects.create(user=representative, unit=unit)
    client.force_login(representative)
    page = client.get(
        reverse("leaderboard:report") + "?cuoc_thi=bao-cao-mau&dot=1"
    ).content.decode()
    assert _unit_url("p-cds", "pdf", round=1).replace("&", "&amp;") in page
    assert reverse("leaderboard:committee_summary", args=["pdf"]) not in page
    assert "so-tt" not in page


def test_the_admin_preview_refuses_a_contest_that_already_has_settings(world, organiser_client):
    OfficialReportSettings.objects.create(contest=world["contest"])
    preview = reverse("admin:leaderboard_officialreportsettings_preview", args=["don-vi"])
    response = organiser_client.post(preview, _settings_form(world["contest"]), follow=True)
    assert "Chưa xem trước được" in response.content.decode()


def test_organisers_have_the_settings_permissions(db):
    from participants.services import ORGANISER_GROUP, organiser_groups_sync

    organiser_groups_sync()
    codenames = set(
        Group.objects.get(name=ORGANISER_GROUP).permissions.values_list("codename", flat=True)
    )
    assert "change_officialreportsettings" in codenames
    assert Permission.objects.filter(codename="view_officialreportsettings").exists()


def test_a_unit_report_reads_the_stored_figures_in_a_bounded_number_of_queries(
    world, organiser_client, django_assert_max_num_queries
):
    """The stored tables through the report pages' selectors: two queries per round (its
    figures), one per published round (its winners), none per unit or per person: the 20 more
    sub-units below change nothing. Measured: 19 with two rounds, one published."""
    for index in range(20):
        UnitFactory(code=f"to-them-{index}", parent=world["units"]["office"], headcount=3)
    participation_refresh(contest_id=world["contest"].pk)
    with django_assert_max_num_queries(19):
        response = organiser_client.get(_unit_url("so-tt", "docx"))
    assert response.status_code == 200
    assert len(docx_table(response.content, "Đánh giá")) == 1 + 4 + 20 + 1
