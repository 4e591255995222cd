"""The description of an official document, independent of its file format, and the few
rules of Nghị định 30/2020/NĐ-CP (Phụ lục I) that both renderers share: page, margins, type
sizes, how the date line is written."""

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from django.utils.translation import gettext as _

# A4 with the decree's margins (top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm).
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 20.0
MARGIN_BOTTOM_MM = 20.0
MARGIN_LEFT_MM = 30.0
MARGIN_RIGHT_MM = 15.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
# The heading's two columns: issuing body (ô 2) and national motto (ô 1).
HEADER_LEFT_MM = 68.0
HEADER_RIGHT_MM = TEXT_WIDTH_MM - HEADER_LEFT_MM

# Type sizes in points (the decree gives ranges; Word's usual choices).
SIZE_BODY = 13.0  # body 13–14
SIZE_HEADER = 12.5  # governing body, issuing body, national title: 12–13
SIZE_MOTTO = 13.0  # 13–14
SIZE_TITLE = 14.0  # document type and subject: 13–14
SIZE_RECIPIENTS_LABEL = 12.0
SIZE_RECIPIENTS = 11.0
SIZE_TABLE = 11.0
FIRST_LINE_INDENT_MM = 12.7  # 1–1.27 cm
PARAGRAPH_SPACE_PT = 6.0  # at least 6 pt between paragraphs
LINE_SPACING = 1.15  # single to 1.5 lines

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"

TextStyle = Literal["body", "heading", "subheading", "note", "closing"]
Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Text:
    """A paragraph. body: justified with a first-line indent; heading: "I. …" bold capitals;
    subheading: "1. …" bold; note: italic; closing: the last sentence, ending with "./."."""

    text: str
    style: TextStyle = "body"


@dataclass(frozen=True)
class Table:
    """A table with a header row repeated on each page. `widths` are relative; `indents`
    (one per row, in levels) indent the `indent_column`; `bold_rows` are totals; `spans`
    (row, first column, last column) merge cells of a row, the text being the first's."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    align: tuple[Align, ...]
    caption: str = ""
    indents: tuple[int, ...] = ()
    indent_column: int = 1
    bold_rows: frozenset[int] = frozenset()
    spans: tuple[tuple[int, int, int], ...] = ()


@dataclass(frozen=True)
class Figure:
    """A chart as PNG, full text width, with its caption below ("Hình 1. …")."""

    png: bytes
    width_px: int
    height_px: int
    caption: str


Block = Text | Table | Figure


@dataclass(frozen=True)
class OfficialDocument:
    """Everything a report prints, in reading order."""

    governing_body: str  # cơ quan chủ quản (capitals, regular); may be empty
    issuer: str  # cơ quan ban hành (capitals, bold)
    number: str  # "Số:      /BC-TTDVVL"
    place_date: str  # "Thanh Hóa, ngày 27 tháng 9 năm 2024"
    kind_title: str  # "BÁO CÁO"
    subject: str  # trích yếu
    addressee: str  # "Kính gửi: …", may be empty
    blocks: tuple[Block, ...]
    recipients: tuple[str, ...]
    signer_lines: tuple[str, ...]  # "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"
    signer_name: str = ""  # blank: signed and named by hand
    metadata_title: str = ""
    metadata_author: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)


def decree_date(day: date) -> tuple[str, str, str]:
    """Day, month, year as the decree writes them: days below 10 and the months 1 and 2 with
    a leading zero ("ngày 05 tháng 02 năm 2024", "ngày 27 tháng 9 năm 2024")."""
    return (
        f"{day.day:02d}",
        f"{day.month:02d}" if day.month < 3 else str(day.month),
        str(day.year),
    )


def place_date_line(*, place: str, day: date) -> str:
    d, m, y = decree_date(day)
    return _("%(place)s, ngày %(d)s tháng %(m)s năm %(y)s") % {
        "place": place,
        "d": d,
        "m": m,
        "y": y,
    }


def recipients_lines(text: str) -> tuple[str, ...]:
    """The "Nơi nhận" lines as organisers type them, one per line, each printed after "- "."""
    lines = (line.strip().lstrip("-–•").strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


def signer_lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip().upper() for line in text.splitlines() if line.strip())
