"""An OfficialDocument as .docx (python-docx): Times New Roman, A4, the decree's margins,
the page number in the header from the second page on. Units open it in Word to sign, number
and, where they wish, add to it."""

from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import document as d
from .pdf_render import text_width_mm

FONT = "Times New Roman"
ALIGNMENTS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
# WordprocessingML wants child elements in schema order: what may follow the one we add.
PPR_AFTER_BORDER = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
TBLPR_AFTER_CELL_MARGINS = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
TRPR_AFTER_HEADER = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
TRPR_AFTER_CANT_SPLIT = ("w:trHeight", "w:tblHeader", *TRPR_AFTER_HEADER)
TABLE_CELL_MARGIN_TWIPS = 57  # 1 mm


def _base_style(docx) -> None:
    normal = docx.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(d.SIZE_BODY)
    properties = normal.element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    properties.append(language)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = d.LINE_SPACING


def _paragraph(
    container,
    text: str = "",
    *,
    size: float = d.SIZE_BODY,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    indent_mm: float = 0,
    before_pt: float = 0,
    reuse_first: bool = False,
):
    if reuse_first and container.paragraphs and not container.paragraphs[0].text:
        paragraph = container.paragraphs[0]
    else:
        paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.first_line_indent = Mm(indent_mm) if indent_mm else None
    paragraph.paragraph_format.space_before = Pt(before_pt)
    lines = text.split("\n")
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.font.size = Pt(size)
        run.bold = bold
        run.italic = italic
        if index < len(lines) - 1:
            run.add_break()
    return paragraph


def _rule(container, *, width_mm: float, column_mm: float) -> None:
    """A centred horizontal line `width_mm` long: an empty paragraph's bottom border, its
    indents shortening it to the length the decree asks for."""
    paragraph = container.add_paragraph()
    margin = max((column_mm - width_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(margin)
    paragraph.paragraph_format.right_indent = Mm(margin)
    paragraph.paragraph_format.line_spacing = Pt(3)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *PPR_AFTER_BORDER)
    paragraph.add_run().font.size = Pt(2)
    _paragraph(container, size=4)


def _columns(docx, widths_mm: list[float]):
    table = docx.add_table(rows=1, cols=len(widths_mm))
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _widths(table, widths_mm)
    _cell_margins(table, twips=0)
    return table.rows[0].cells


def _widths(table, widths_mm: list[float]) -> None:
    """Word reads the cells' widths, LibreOffice the grid's: both are set."""
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _cell_margins(table, *, twips: int) -> None:
    """Left and right cell padding (Word's default, 1.9 mm, wraps narrow number columns)."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.insert_element_before(margins, *TBLPR_AFTER_CELL_MARGINS)


def _heading(docx, document: d.OfficialDocument) -> None:
    left, right = _columns(docx, [d.HEADER_LEFT_MM, d.HEADER_RIGHT_MM])
    first = True
    if document.governing_body:
        _paragraph(left, document.governing_body.upper(), size=d.SIZE_HEADER, reuse_first=True)
        first = False
    issuer = document.issuer.upper()
    _paragraph(left, issuer, size=d.SIZE_HEADER, bold=True, reuse_first=first)
    width = min(text_width_mm(issuer, bold=True, size=d.SIZE_HEADER), d.HEADER_LEFT_MM - 6)
    _rule(left, width_mm=width / 2.5, column_mm=d.HEADER_LEFT_MM)
    _paragraph(left, document.number, size=d.SIZE_BODY)

    _paragraph(right, d.NATIONAL_TITLE, size=d.SIZE_HEADER, bold=True, reuse_first=True)
    _paragraph(right, d.NATIONAL_MOTTO, size=d.SIZE_MOTTO, bold=True)
    motto = text_width_mm(d.NATIONAL_MOTTO, bold=True, size=d.SIZE_MOTTO)
    _rule(right, width_mm=motto, column_mm=d.HEADER_RIGHT_MM)
    _paragraph(right, document.place_date, size=d.SIZE_MOTTO, italic=True, before_pt=4)

    _paragraph(docx, size=d.SIZE_BODY)
    _paragraph(docx, document.kind_title, size=d.SIZE_TITLE, bold=True, before_pt=8)
    _paragraph(docx, document.subject, size=d.SIZE_TITLE, bold=True)
    subject = max(
        text_width_mm(line, bold=True, size=d.SIZE_TITLE) for line in document.subject.split("\n")
    )
    _rule(docx, width_mm=min(subject, d.TEXT_WIDTH_MM) / 3, column_mm=d.TEXT_WIDTH_MM)
    if document.addressee:
        _paragraph(docx, document.addressee, size=d.SIZE_BODY + 1, before_pt=4)


def _text(docx, block: d.Text) -> None:
    _paragraph(
        docx,
        block.text,
        bold=block.style in ("heading", "subheading"),
        italic=block.style == "note",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent_mm=d.FIRST_LINE_INDENT_MM,
        before_pt=d.PARAGRAPH_SPACE_PT + (2 if block.style == "heading" else 0),
    )


def _row_flags(row, *, header: bool) -> None:
    """Rows are not split across pages; the header row repeats on each page."""
    properties = row._tr.get_or_add_trPr()
    keep = OxmlElement("w:cantSplit")
    properties.insert_element_before(keep, *TRPR_AFTER_CANT_SPLIT)
    if header:
        element = OxmlElement("w:tblHeader")
        element.set(qn("w:val"), "true")
        properties.insert_element_before(element, *TRPR_AFTER_HEADER)


def _table(docx, block: d.Table) -> None:
    if block.caption:
        _paragraph(docx, block.caption, bold=True, italic=True, before_pt=d.PARAGRAPH_SPACE_PT)
    else:
        _paragraph(docx, size=4)
    total = sum(block.widths)
    widths = [d.TEXT_WIDTH_MM * w / total for w in block.widths]
    table = docx.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    table.style = docx.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, widths)
    _cell_margins(table, twips=TABLE_CELL_MARGIN_TWIPS)
    for index, row in enumerate(table.rows):
        _row_flags(row, header=index == 0)
    covered = {
        (row, column) for row, first, last in block.spans for column in range(first + 1, last + 1)
    }
    for row_index, row in enumerate(table.rows):
        texts = block.headers if row_index == 0 else block.rows[row_index - 1]
        bold = row_index == 0 or (row_index - 1) in block.bold_rows
        for column, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            if (row_index - 1, column) in covered:
                continue  # merged into the cell on its left: left empty
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            align = ALIGNMENTS["center" if row_index == 0 else block.align[column]]
            paragraph = _paragraph(
                cell, text, size=d.SIZE_TABLE, bold=bold, align=align, reuse_first=True
            )
            if row_index and column == block.indent_column and block.indents:
                paragraph.paragraph_format.left_indent = Mm(4 * block.indents[row_index - 1])
    for row, first, last in block.spans:
        cells = table.rows[row + 1].cells
        cells[first].merge(cells[last])


def _figure(docx, block: d.Figure) -> None:
    paragraph = _paragraph(docx, before_pt=d.PARAGRAPH_SPACE_PT)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(BytesIO(block.png), width=Mm(d.TEXT_WIDTH_MM))
    _paragraph(docx, block.caption, size=d.SIZE_BODY - 1, italic=True, before_pt=2)


def _closing(docx, document: d.OfficialDocument) -> None:
    _paragraph(docx, size=d.SIZE_BODY)
    left, right = _columns(docx, [d.TEXT_WIDTH_MM * 0.45, d.TEXT_WIDTH_MM * 0.55])
    _paragraph(
        left,
        _("Nơi nhận:"),
        size=d.SIZE_RECIPIENTS_LABEL,
        bold=True,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        reuse_first=True,
    )
    for line in document.recipients:
        _paragraph(left, f"- {line}", size=d.SIZE_RECIPIENTS, align=WD_ALIGN_PARAGRAPH.LEFT)
    for index, line in enumerate(document.signer_lines):
        _paragraph(right, line, size=d.SIZE_TITLE - 0.5, bold=True, reuse_first=index == 0)
    for _blank in range(5):
        _paragraph(right, size=d.SIZE_TITLE)
    if document.signer_name:
        _paragraph(right, document.signer_name, size=d.SIZE_TITLE - 0.5, bold=True)


def _page_numbers(section) -> None:
    """The page number centred in the header, not on the first page (the decree)."""
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def document_docx(document: d.OfficialDocument) -> bytes:
    docx = new_docx()
    _base_style(docx)
    section = docx.sections[0]
    section.page_width, section.page_height = Mm(d.PAGE_WIDTH_MM), Mm(d.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(d.MARGIN_TOP_MM), Mm(d.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(d.MARGIN_LEFT_MM), Mm(d.MARGIN_RIGHT_MM)
    _page_numbers(section)
    properties = docx.core_properties
    properties.title = document.metadata_title
    properties.author = document.metadata_author
    properties.subject = document.subject
    properties.keywords = ", ".join(document.keywords)
    properties.language = "vi-VN"
    properties.comments = ""

    _heading(docx, document)
    for block in document.blocks:
        if isinstance(block, d.Text):
            _text(docx, block)
        elif isinstance(block, d.Table):
            _table(docx, block)
        else:
            _figure(docx, block)
    _closing(docx, document)
    # The empty paragraph python-docx's template starts with is dropped.
    first = docx.paragraphs[0]
    if not first.text and first._p.getparent() is docx.element.body:
        first._p.getparent().remove(first._p)
    buffer = BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
