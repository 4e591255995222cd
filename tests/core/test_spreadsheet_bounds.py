"""Damaged and oversized .xlsx files on both admin imports (units, questions): a Vietnamese
400, never a 500, and a 16,000-column sheet refused before openpyxl walks its cells."""

import io
import time
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from core.spreadsheets import MAX_IMPORT_COLUMNS, SpreadsheetError, spreadsheet_rows_read
from participants.models import Unit
from quizzes.models import Question

pytestmark = pytest.mark.django_db

IMPORTS = ["admin:participants_unit_import", "admin:quizzes_question_import"]


def _workbook_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Mã đơn vị", "Tên đơn vị"])
    workbook.active.append(["a", "A"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet's XML is replaced."""
    source = zipfile.ZipFile(io.BytesIO(_workbook_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            target.writestr(item, data)
    return out.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
MALFORMED = {
    "truncated": b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><row></sheetData',
    "text in a number cell": b'<row r="1"><c r="A1"><v>abc</v></c></row>',
    "unknown shared string": b'<row r="1"><c r="A1" t="s"><v>999</v></c></row>',
    "bad cell reference": b'<row r="1"><c r="1A"><v>1</v></c></row>',
    "bad date": b'<row r="1"><c r="A1" t="d"><v>hom-qua</v></c></row>',
}


def _wide(columns: int = 16_000, rows: int = 10) -> bytes:
    cells = b"".join(b"<c><v>1</v></c>" for _ in range(columns))
    body = b"".join(b'<row r="%d">' % (r + 1) + cells + b"</row>" for r in range(rows))
    return _with_sheet(SHEET_HEAD + body + b"</sheetData></worksheet>")


def _far_cell() -> bytes:
    """One cell per row, in the last column: openpyxl would pad each row to 16,384 cells."""
    body = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (r, r) for r in range(1, 500))
    return _with_sheet(SHEET_HEAD + body + b"</sheetData></worksheet>")


def _post(client, url_name: str, content: bytes):
    upload = io.BytesIO(content)
    upload.name = "tep.xlsx"
    return client.post(reverse(url_name), {"file": upload})


@pytest.mark.parametrize("damage", MALFORMED)
@pytest.mark.parametrize("url_name", IMPORTS)
def test_malformed_sheet_xml_is_a_vietnamese_400_on_both_imports(
    organiser_client, url_name, damage
):
    tail = b"" if damage == "truncated" else b"</sheetData></worksheet>"
    response = _post(organiser_client, url_name, _with_sheet(SHEET_HEAD + MALFORMED[damage] + tail))
    assert response.status_code == 400
    assert "Tệp không phải bảng tính Excel (.xlsx) hợp lệ" in response.content.decode()
    assert not Unit.objects.exists() and not Question.objects.exists()


@pytest.mark.parametrize("url_name", IMPORTS)
def test_sixteen_thousand_columns_are_refused_cheaply_on_both_imports(organiser_client, url_name):
    content = _wide()
    assert len(content) < 200 * 1024
    started = time.process_time()
    response = _post(organiser_client, url_name, content)
    assert response.status_code == 400
    assert f"tối đa {MAX_IMPORT_COLUMNS} cột" in response.content.decode()
    # Not a timing assertion on speed, a bound on work: the whole file was not walked cell by cell.
    assert time.process_time() - started < 5


def test_a_cell_in_the_last_column_is_refused_too():
    with pytest.raises(SpreadsheetError, match="cột"):
        spreadsheet_rows_read(content=_far_cell(), filename="x.xlsx")


def test_a_normal_sheet_still_reads():
    rows = spreadsheet_rows_read(content=_workbook_bytes(), filename="x.xlsx")
    assert rows == [["Mã đơn vị", "Tên đơn vị"], ["a", "A"]]
