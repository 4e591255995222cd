"""Certificates as PDF (reportlab): one A4 landscape page in the bundled DejaVu font (it covers
Vietnamese), with a QR code (participants.qrcodes, the one QR implementation) linking to the
certificate's public verification page."""

import functools
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph

from core.fonts import FONT_BOLD, FONT_REGULAR, font_path
from participants.qrcodes import qr_image

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ACCENT = colors.HexColor("#9b1c1c")
QR_SIZE = 38 * mm


@dataclass(frozen=True)
class CertificateFacts:
    """Everything printed on a certificate (and what its cache key is made of)."""

    code: str
    kind: str  # Certificate.Kind value
    contest_name: str
    organiser_name: str
    person_name: str
    unit_name: str
    round_name: str
    prize_name: str  # empty for a participation certificate
    score: int | None
    question_count: int | None
    date_label: str  # "ngày 20 tháng 9 năm 2024"
    verify_url: str
    results_digest: str = ""  # SHA-256 of the round's published results file


@functools.cache
def _fonts_register() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, font_path(FONT_REGULAR)))
    pdfmetrics.registerFont(TTFont(BOLD, font_path(FONT_BOLD)))


def _paragraph(pdf, text: str, *, style: ParagraphStyle, y: float, width: float) -> float:
    """Draw `text` centred, wrapped to `width`, its top at `y`; return the y below it."""
    paragraph = Paragraph(text, style)
    _w, height = paragraph.wrapOn(pdf, width, 200 * mm)
    page_width, _h = landscape(A4)
    paragraph.drawOn(pdf, (page_width - width) / 2, y - height)
    return y - height


def certificate_pdf_render(*, facts: CertificateFacts) -> bytes:
    """The certificate as a one-page A4 landscape PDF."""
    _fonts_register()
    width, height = landscape(A4)
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    pdf.setTitle(_("Giấy chứng nhận — %(name)s") % {"name": facts.person_name})
    pdf.setAuthor(facts.organiser_name or facts.contest_name)
    pdf.setSubject(facts.contest_name)

    # Frame: a thick and a thin border.
    pdf.setStrokeColor(ACCENT)
    pdf.setLineWidth(4)
    pdf.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    pdf.setLineWidth(1)
    pdf.rect(14 * mm, 14 * mm, width - 28 * mm, height - 28 * mm)

    def style(size: float, *, bold: bool = False, color=colors.black, leading: float = 1.25):
        return ParagraphStyle(
            "c",
            fontName=BOLD if bold else REGULAR,
            fontSize=size,
            leading=size * leading,
            alignment=TA_CENTER,
            textColor=color,
        )

    text_width = width - 70 * mm
    y = height - 24 * mm
    if facts.organiser_name:
        y = _paragraph(
            pdf,
            escape(facts.organiser_name.upper()),
            style=style(11, bold=True),
            y=y,
            width=text_width,
        )
    y = _paragraph(pdf, escape(facts.contest_name), style=style(12), y=y - 2 * mm, width=text_width)
    title = _("GIẤY CHỨNG NHẬN") if facts.kind == "participation" else _("GIẤY CHỨNG NHẬN ĐẠT GIẢI")
    y = _paragraph(
        pdf, escape(title), style=style(30, bold=True, color=ACCENT), y=y - 8 * mm, width=text_width
    )
    y = _paragraph(
        pdf,
        escape(_("Ban Tổ chức Cuộc thi trân trọng chứng nhận")),
        style=style(13),
        y=y - 5 * mm,
        width=text_width,
    )
    y = _paragraph(
        pdf,
        escape(facts.person_name),
        style=style(26, bold=True, color=colors.HexColor("#0b3d91")),
        y=y - 4 * mm,
        width=text_width,
    )
    if facts.unit_name:
        y = _paragraph(
            pdf,
            escape(_("Đơn vị: %(unit)s") % {"unit": facts.unit_name}),
            style=style(13),
            y=y - 2 * mm,
            width=text_width,
        )
    if facts.kind == "participation":
        achievement = _("Đã tham gia %(round)s của Cuộc thi") % {"round": facts.round_name}
        detail = (
            _("Kết quả: %(score)s/%(total)s câu trả lời đúng")
            % {"score": facts.score, "total": facts.question_count}
            if facts.score is not None
            else ""
        )
    else:
        achievement = _("Đã đạt %(prize)s — %(round)s của Cuộc thi") % {
            "prize": facts.prize_name,
            "round": facts.round_name,
        }
        detail = (
            _("Số câu trả lời đúng: %(score)s/%(total)s")
            % {"score": facts.score, "total": facts.question_count}
            if facts.score is not None
            else ""
        )
    y = _paragraph(
        pdf, escape(achievement), style=style(16, bold=True), y=y - 6 * mm, width=text_width
    )
    if detail:
        y = _paragraph(pdf, escape(detail), style=style(13), y=y - 2 * mm, width=text_width)

    # Date and signature block, right; QR code and its code, left.
    pdf.setFont(REGULAR, 12)
    pdf.drawCentredString(width - 75 * mm, 48 * mm, facts.date_label)
    pdf.setFont(BOLD, 12)
    pdf.drawCentredString(width - 75 * mm, 42 * mm, _("BAN TỔ CHỨC CUỘC THI"))

    code_image = qr_image(url=facts.verify_url, width=600).convert("L")
    pdf.drawImage(ImageReader(code_image), 22 * mm, 22 * mm, QR_SIZE, QR_SIZE)
    pdf.setFont(REGULAR, 8)
    pdf.drawString(22 * mm + QR_SIZE + 3 * mm, 38 * mm, _("Quét mã QR để xác thực chứng nhận"))
    pdf.drawString(22 * mm + QR_SIZE + 3 * mm, 33 * mm, _("Mã: %(code)s") % {"code": facts.code})
    pdf.drawString(22 * mm + QR_SIZE + 3 * mm, 28 * mm, facts.verify_url)
    if facts.results_digest:
        pdf.setFont(REGULAR, 7)
        pdf.drawString(
            22 * mm,
            16 * mm,
            _("SHA-256 của tệp kết quả %(round)s: %(digest)s")
            % {"round": facts.round_name, "digest": facts.results_digest},
        )

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
