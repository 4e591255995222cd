"""Reading and writing spreadsheets: .xlsx (openpyxl) and .csv in UTF-8 with a BOM, which is
what Excel needs to open Vietnamese text correctly. Exports stream: CSV row by row, xlsx via
openpyxl's write-only mode into a temporary file, so a large export never sits in memory."""

import csv
import datetime as dt
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import ParseError, iterparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_FORMATS = ("xlsx", "csv")


class SpreadsheetError(ValueError):
    """The uploaded file is refused as a whole. When its rows could still be read (formulas, a
    CSV field over the reader's limit, too many rows), `rows` holds those read (row i of the list
    is row i + 1 of the file) so that the caller can list the other bad rows too, and `problems`
    the (row number, reason) pairs behind the refusal."""

    def __init__(
        self,
        message: str,
        *,
        rows: list[list[str]] | None = None,
        problems: Sequence[tuple[int, str]] = (),
    ):
        super().__init__(message)
        self.message = message
        self.rows = rows
        self.problems = list(problems)


# Imports are lists of units or people: far below these; a bigger file is refused before it
# is parsed (an .xlsx is a zip: its unpacked size is checked too, against zip bombs).
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_IMPORT_ROWS = 20_000
# Both imports use a dozen columns. openpyxl walks (and pads up to the last one) every cell of
# a row in Python: a 145 KB file of 16,000-column rows took 22 s of CPU. Sheets are scanned
# first by the C parser, which stops at the first row past this bound.
MAX_IMPORT_COLUMNS = 64
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL_COLUMN = re.compile(r"^\$?([A-Za-z]{1,3})")


def _column_index(reference: str) -> int:
    """ "XFD12" → 16384; 0 when the reference has no column letters."""
    match = _CELL_COLUMN.match(reference)
    index = 0
    for letter in match.group(1).upper() if match else "":
        index = index * 26 + ord(letter) - 64
    return index


def _xlsx_columns_check(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose sheet XML is broken or has a row wider than
    MAX_IMPORT_COLUMNS (by its cell count or by a cell's column letter), before openpyxl
    reads it. Every XML part is scanned: a workbook may keep its sheets under any name."""
    too_wide = SpreadsheetError(
        _("Bảng tính có quá nhiều cột (tối đa %(n)d cột). Hãy xóa các cột thừa rồi tải lên lại.")
        % {"n": MAX_IMPORT_COLUMNS}
    )
    for info in archive.infolist():
        if not info.filename.endswith(".xml"):
            continue
        cells = 0
        with archive.open(info) as part:
            try:
                for event, element in iterparse(part, events=("start", "end")):
                    if event == "start":
                        if element.tag == _SHEET_NS + "row":
                            cells = 0
                        elif element.tag == _SHEET_NS + "c":
                            cells += 1
                            reference = element.get("r") or ""
                            if cells > MAX_IMPORT_COLUMNS or (
                                _column_index(reference) > MAX_IMPORT_COLUMNS
                            ):
                                raise too_wide
                    else:
                        element.clear()  # keep memory flat on a long sheet
            except ParseError as error:
                raise SpreadsheetError(
                    _("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")
                ) from error


def _xlsx_rows(content: bytes, *, sheet_name: str | None, max_rows: int) -> list[list[str]]:
    buffer = io.BytesIO(content)
    if not zipfile.is_zipfile(buffer):
        raise SpreadsheetError(_("Tệp không phải bảng tính Excel (.xlsx) hợp lệ."))
    with zipfile.ZipFile(buffer) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise SpreadsheetError(_("Tệp quá lớn để xử lý. Hãy chia nhỏ tệp."))
        try:
            _xlsx_columns_check(archive)
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError) as error:
            # a damaged or encrypted member
            raise SpreadsheetError(_("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")) from error
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise SpreadsheetError(_("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")) from error
    rows = []
    formulas: list[tuple[int, str]] = []  # every formula cell, to list them all at once
    try:
        sheet = (
            workbook[sheet_name]
            if sheet_name and sheet_name in workbook.sheetnames
            else workbook.worksheets[0]
        )
        # openpyxl pads each row to the sheet's declared width: never past the bound.
        declared = sheet.max_column
        width = min(declared, MAX_IMPORT_COLUMNS) if declared else None
        for number, row in enumerate(sheet.iter_rows(max_col=width), start=1):
            if number > max_rows + 1:
                raise SpreadsheetError(
                    _("Tệp có quá nhiều dòng (tối đa %(n)d dòng).") % {"n": max_rows},
                    rows=rows,
                )
            values = []
            for column, cell in enumerate(row, start=1):
                if getattr(cell, "data_type", None) == "f":
                    formulas.append((number, f"{get_column_letter(column)}{number}"))
                values.append("" if cell.value is None else _cell_text(cell.value))
            rows.append(values)
    except SpreadsheetError:
        raise
    except Exception as error:  # a cell openpyxl cannot read: "abc" as a number, a bad date…
        raise SpreadsheetError(_("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")) from error
    finally:
        workbook.close()
    if formulas:
        raise SpreadsheetError(
            _(
                "Ô %(cell)s chứa công thức. Hãy sao chép và dán dạng giá trị "
                "(Paste Values) rồi tải lên lại."
            )
            % {"cell": ", ".join(cell for _row, cell in formulas[:10])}
            + ("…" if len(formulas) > 10 else ""),
            rows=rows,
            problems=[
                (number, _("Ô %(cell)s chứa công thức.") % {"cell": cell})
                for number, cell in formulas
            ],
        )
    return rows


def _csv_rows(content: bytes, *, max_rows: int) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            _("Tệp CSV phải được lưu với mã hóa UTF-8 (Excel: “CSV UTF-8”).")
        ) from error
    if "\x00" in text:
        raise SpreadsheetError(_("Tệp không phải bảng tính CSV hợp lệ."))
    # Excel in Vietnamese (and other comma-decimal locales) saves CSV with semicolons.
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for row in reader:
            rows.append([cell.strip() for cell in row])
    except csv.Error as error:
        number = len(rows) + 1  # the record that could not be read, as a spreadsheet counts
        if "field larger than field limit" in str(error):
            reason = _(
                "Dòng %(row)d có một ô dài hơn %(limit)s ký tự, quá giới hạn đọc của tệp CSV. "
                "Hãy rút ngắn ô đó; các dòng sau nó chưa được đọc."
            ) % {"row": number, "limit": f"{csv.field_size_limit():,}".replace(",", ".")}
        else:  # a broken quote, a stray line break
            reason = _(
                "Dòng %(row)d không đọc được (dấu ngoặc kép hoặc xuống dòng sai chỗ); "
                "các dòng sau nó chưa được đọc."
            ) % {"row": number}
        raise SpreadsheetError(reason, rows=rows, problems=[(number, reason)]) from error
    if len(rows) > max_rows + 1:
        raise SpreadsheetError(
            _("Tệp có quá nhiều dòng (tối đa %(n)d dòng).") % {"n": max_rows},
            rows=rows[: max_rows + 1],
        )
    return rows


def spreadsheet_rows_read(
    *,
    content: bytes,
    filename: str,
    sheet_name: str | None = None,
    max_rows: int | None = None,
) -> list[list[str]]:
    """Every row of the sheet `sheet_name` (else the first) or of the CSV, as stripped strings,
    the header included; row i of the list is row i + 1 of the file. Refused clearly: another
    type of file, an empty or too large file, a zip bomb, formulas, a CSV not in UTF-8."""
    name = filename.lower()
    if not name.endswith((".xlsx", ".csv")):
        raise SpreadsheetError(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    if not content:
        raise SpreadsheetError(_("Tệp rỗng."))
    if len(content) > MAX_IMPORT_BYTES:
        raise SpreadsheetError(
            _("Tệp quá lớn (tối đa %(mb)d MB). Hãy chia nhỏ tệp.")
            % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    max_rows = max_rows or MAX_IMPORT_ROWS
    if name.endswith(".xlsx"):
        return _xlsx_rows(content, sheet_name=sheet_name, max_rows=max_rows)
    return _csv_rows(content, max_rows=max_rows)


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# What a spreadsheet may read as the start of a formula (OWASP "CSV injection"), also in
# full-width forms, and after leading spaces.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def formula_like(value: Any) -> bool:
    """The one rule of every export: text a spreadsheet could run as a formula (a
    participant named "=HYPERLINK(…)"). Exports write it as plain text."""
    return isinstance(value, str) and value.lstrip(" ").startswith(_FORMULA_PREFIXES)


# Excel has no time zones: moments are written as the contest's local wall-clock time.
DATETIME_FORMAT = "DD/MM/YYYY HH:MM:SS"
DATE_FORMAT = "DD/MM/YYYY"
SECONDS_FORMAT = "0.000"


class Seconds(float):
    """A duration in seconds, written as a number with three decimals (milliseconds)."""


def local_naive(moment: dt.datetime) -> dt.datetime:
    """An aware moment as the naive wall-clock time of settings.TIME_ZONE (Asia/Ho_Chi_Minh)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)


def _safe_cell(value: Any) -> Any:
    """A formula-like text gets a leading apostrophe: plain text in Excel and LibreOffice,
    in .csv as in .xlsx."""
    if formula_like(value):
        return "'" + value
    return "" if value is None else value


def _csv_cell(value: Any) -> Any:
    """Dates as dd/mm/yyyy text, moments in local time, numbers unformatted."""
    if isinstance(value, dt.datetime):
        return local_naive(value).strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Seconds):
        return f"{value:.3f}"
    return _safe_cell(value)


def _xlsx_cell(sheet, value: Any) -> Any:
    """A cell Excel reads as data: moments as local dates with a date format, durations and
    decimals as numbers; empty values stay empty, formulas stay text."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=local_naive(value))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, Seconds):
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = SECONDS_FORMAT
        return cell
    if isinstance(value, Decimal):
        return float(value)
    return _safe_cell(value)


def export_filename(*parts: str, now: dt.datetime | None = None) -> str:
    """A download's name without extension: its parts (what, contest, round…) and the local
    date and time, so that two exports never share a name: "xep-hang-cuoc-thi-dot-1-20241021-0930"."""
    moment = local_naive(now or dt.datetime.now(dt.UTC))
    return "-".join([*(part for part in parts if part), moment.strftime("%Y%m%d-%H%M%S")])


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    # Every field quoted: Vietnamese Excel splits CSV on ";" (the list separator), so an
    # unquoted "Nguyen;=1+1;x" would become three cells, one of them a formula.
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield "\ufeff" + writer.writerow([str(header) for header in headers])
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in row])


def csv_response(
    *, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A CSV download (UTF-8 with BOM) streamed row by row."""
    response = StreamingHttpResponse(_csv_lines(headers, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    *,
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
) -> FileResponse:
    """An .xlsx download: bold filled header row, frozen, column widths set, written in
    openpyxl's write-only mode to a temporary file that is streamed back."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for index, width in enumerate(widths or [22] * len(headers)):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="0B57A4")
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


def workbook_response(*, content: bytes, filename: str) -> HttpResponse:
    """A workbook built in memory (small ones: templates, statistics) as a download."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def export_response(
    *,
    export_format: str,
    filename: str,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
):
    if export_format == "csv":
        return csv_response(filename=filename, headers=headers, rows=rows)
    return xlsx_response(filename=filename, title=title, headers=headers, rows=rows, widths=widths)
