"""An OfficialDocument as PDF (reportlab platypus), in Liberation Serif: the font that is
metric-compatible with Times New Roman (so lines break where Word breaks them in the .docx)
and has every Vietnamese glyph; vendored under static/fonts with its licence."""

import functools
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    HRFlowable,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from core.fonts import font_path

from . import document as d

REGULAR, BOLD, ITALIC, BOLD_ITALIC = (
    "LiberationSerif",
    "LiberationSerif-Bold",
    "LiberationSerif-Italic",
    "LiberationSerif-BoldItalic",
)
FONT_FILES = {
    REGULAR: "fonts/LiberationSerif-Regular.ttf",
    BOLD: "fonts/LiberationSerif-Bold.ttf",
    ITALIC: "fonts/LiberationSerif-Italic.ttf",
    BOLD_ITALIC: "fonts/LiberationSerif-BoldItalic.ttf",
}
ALIGNMENTS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
# The borderless two-column tables of the heading and of the signature: flowables centred in
# their column (the rules under the issuer and the motto).
LAYOUT_TABLE = TableStyle(
    [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]
)


@functools.cache
def fonts_register() -> None:
    for name, path in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, font_path(path)))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )


def text_width_mm(text: str, *, bold: bool, size: float) -> float:
    """The printed width of a line: Liberation Serif has Times New Roman's metrics, so the
    .docx renderer uses this too to size the rules under the headings."""
    fonts_register()
    return pdfmetrics.stringWidth(text, BOLD if bold else REGULAR, size) / mm


def _style(
    size: float = d.SIZE_BODY,
    *,
    font: str = REGULAR,
    align=TA_JUSTIFY,
    indent: float = 0,
    before: float = 0,
    after: float = 0,
) -> ParagraphStyle:
    return ParagraphStyle(
        "s",
        fontName=font,
        fontSize=size,
        leading=size * d.LINE_SPACING + 1,
        alignment=align,
        firstLineIndent=indent,
        spaceBefore=before,
        spaceAfter=after,
    )


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _rule(width_mm: float) -> HRFlowable:
    return HRFlowable(
        width=width_mm * mm,
        thickness=0.6,
        color=colors.black,
        hAlign="CENTER",
        spaceBefore=2.5,
        spaceAfter=3,
    )


def _heading(document: d.OfficialDocument) -> list:
    """Ô 1–4 of the decree's layout: issuing body and number left, national title, motto and
    the place and date right."""
    left: list = []
    if document.governing_body:
        left.append(_p(document.governing_body.upper(), _style(d.SIZE_HEADER, align=TA_CENTER)))
    issuer = document.issuer.upper()
    left.append(_p(issuer, _style(d.SIZE_HEADER, font=BOLD, align=TA_CENTER)))
    # The rule is 1/3–1/2 as long as the issuer's (longest) line.
    width = min(text_width_mm(issuer, bold=True, size=d.SIZE_HEADER), d.HEADER_LEFT_MM - 6)
    left.append(_rule(width / 2.5))
    left.append(_p(document.number, _style(d.SIZE_BODY, align=TA_CENTER, before=2)))

    right = [
        _p(d.NATIONAL_TITLE, _style(d.SIZE_HEADER, font=BOLD, align=TA_CENTER)),
        _p(d.NATIONAL_MOTTO, _style(d.SIZE_MOTTO, font=BOLD, align=TA_CENTER)),
        _rule(text_width_mm(d.NATIONAL_MOTTO, bold=True, size=d.SIZE_MOTTO)),
        _p(document.place_date, _style(d.SIZE_MOTTO, font=ITALIC, align=TA_CENTER, before=6)),
    ]
    table = PdfTable(
        [[left, right]], colWidths=[d.HEADER_LEFT_MM * mm, d.HEADER_RIGHT_MM * mm], hAlign="LEFT"
    )
    table.setStyle(LAYOUT_TABLE)
    flow = [table, Spacer(1, 8 * mm)]
    flow.append(_p(document.kind_title, _style(d.SIZE_TITLE, font=BOLD, align=TA_CENTER)))
    flow.append(_p(document.subject, _style(d.SIZE_TITLE, font=BOLD, align=TA_CENTER)))
    subject_width = max(
        text_width_mm(line, bold=True, size=d.SIZE_TITLE) for line in document.subject.split("\n")
    )
    flow.append(_rule(min(subject_width, d.TEXT_WIDTH_MM) / 3))
    if document.addressee:
        flow.append(Spacer(1, 3 * mm))
        flow.append(_p(document.addressee, _style(d.SIZE_BODY + 1, align=TA_CENTER)))
    flow.append(Spacer(1, 3 * mm))
    return flow


def _text(block: d.Text) -> Paragraph:
    indent = d.FIRST_LINE_INDENT_MM * mm
    styles = {
        "body": _style(indent=indent, before=d.PARAGRAPH_SPACE_PT),
        "heading": _style(font=BOLD, indent=indent, before=d.PARAGRAPH_SPACE_PT + 2),
        "subheading": _style(font=BOLD, indent=indent, before=d.PARAGRAPH_SPACE_PT),
        "note": _style(font=ITALIC, indent=indent, before=d.PARAGRAPH_SPACE_PT),
        "closing": _style(indent=indent, before=d.PARAGRAPH_SPACE_PT),
    }
    return _p(block.text, styles[block.style])


def _table(block: d.Table) -> list:
    total = sum(block.widths)
    widths = [d.TEXT_WIDTH_MM * mm * w / total for w in block.widths]
    header_style = _style(d.SIZE_TABLE, font=BOLD, align=TA_CENTER)
    rows = [[_p(text, header_style) for text in block.headers]]
    for index, row in enumerate(block.rows):
        font = BOLD if index in block.bold_rows else REGULAR
        cells = []
        for column, text in enumerate(row):
            style = _style(d.SIZE_TABLE, font=font, align=ALIGNMENTS[block.align[column]])
            if column == block.indent_column and block.indents:
                style.leftIndent = 4 * mm * block.indents[index]
            cells.append(_p(text, style))
        rows.append(cells)
    table = PdfTable(rows, colWidths=widths, repeatRows=1, hAlign="CENTER")
    spans = [("SPAN", (first, row + 1), (last, row + 1)) for row, first, last in block.spans]
    table.setStyle(
        TableStyle(
            [
                *spans,
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    flow: list = [Spacer(1, d.PARAGRAPH_SPACE_PT)]
    if block.caption:
        flow.append(_p(block.caption, _style(d.SIZE_BODY, font=BOLD_ITALIC, align=TA_CENTER)))
        flow.append(Spacer(1, 2))
    flow.append(table)
    return flow


def _figure(block: d.Figure) -> KeepTogether:
    width = d.TEXT_WIDTH_MM * mm
    height = width * block.height_px / block.width_px
    image = Image(BytesIO(block.png), width=width, height=height)
    caption = _p(block.caption, _style(d.SIZE_BODY - 1, font=ITALIC, align=TA_CENTER, before=2))
    return KeepTogether([Spacer(1, d.PARAGRAPH_SPACE_PT), image, caption])


def _closing(document: d.OfficialDocument) -> KeepTogether:
    """ "Nơi nhận" left; the signature block right, left blank for the signer."""
    label = _("Nơi nhận:")
    left = [_p(label, _style(d.SIZE_RECIPIENTS_LABEL, font=BOLD_ITALIC, align=TA_LEFT))]
    for line in document.recipients:
        left.append(_p(f"- {line}", _style(d.SIZE_RECIPIENTS, align=TA_LEFT)))
    right = [
        _p(line, _style(d.SIZE_TITLE - 0.5, font=BOLD, align=TA_CENTER))
        for line in document.signer_lines
    ]
    right.append(Spacer(1, 28 * mm))
    if document.signer_name:
        right.append(
            _p(document.signer_name, _style(d.SIZE_TITLE - 0.5, font=BOLD, align=TA_CENTER))
        )
    table = PdfTable(
        [[left, right]],
        colWidths=[d.TEXT_WIDTH_MM * 0.45 * mm, d.TEXT_WIDTH_MM * 0.55 * mm],
        hAlign="LEFT",
    )
    table.setStyle(LAYOUT_TABLE)
    return KeepTogether([Spacer(1, 6 * mm), table])


def _page_number(canvas, doc) -> None:
    """From the second page on, the page number centred in the top margin (the decree)."""
    canvas.saveState()
    canvas.setFont(REGULAR, d.SIZE_BODY)
    canvas.drawCentredString(
        (d.MARGIN_LEFT_MM + d.TEXT_WIDTH_MM / 2) * mm,
        (d.PAGE_HEIGHT_MM - d.MARGIN_TOP_MM / 2 - 2) * mm,
        str(doc.page),
    )
    canvas.restoreState()


def document_pdf(document: d.OfficialDocument) -> bytes:
    """The document as an A4 PDF with the decree's margins."""
    fonts_register()
    buffer = BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=d.MARGIN_LEFT_MM * mm,
        rightMargin=d.MARGIN_RIGHT_MM * mm,
        topMargin=d.MARGIN_TOP_MM * mm,
        bottomMargin=d.MARGIN_BOTTOM_MM * mm,
        title=document.metadata_title,
        author=document.metadata_author,
        subject=document.subject,
        keywords=list(document.keywords),
        creator="contest-platform",
        lang="vi",
    )
    frame = Frame(
        template.leftMargin,
        template.bottomMargin,
        template.width,
        template.height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    template.addPageTemplates(
        [
            PageTemplate(id="first", frames=[frame], autoNextPageTemplate="later"),
            PageTemplate(id="later", frames=[frame], onPage=_page_number),
        ]
    )
    story = _heading(document)
    for block in document.blocks:
        if isinstance(block, d.Text):
            story.append(_text(block))
        elif isinstance(block, d.Table):
            story.extend(_table(block))
        else:
            story.append(_figure(block))
    story.append(_closing(document))
    template.build(story)
    return buffer.getvalue()
