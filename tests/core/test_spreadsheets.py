"""Broken unit-import files are refused clearly and write nothing: not a spreadsheet, empty,
too large (also once unzipped), too many rows, formulas, undecodable CSV."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from core import spreadsheets
from participants.models import Unit
from participants.services import UnitImportError, units_import
from tests.participants.test_services import HEADER, csv_bytes

pytestmark = pytest.mark.django_db


def _refusal(content: bytes, filename: str) -> str:
    with pytest.raises(UnitImportError) as caught:
        units_import(content=content, filename=filename, actor=None)
    assert not Unit.objects.exists()
    return " ".join(str(e) for e in caught.value.errors)


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (spreadsheets.MAX_UNZIPPED_BYTES + 1))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "content", "reason"),
    [
        ("don-vi.xlsx", b"", "Tệp rỗng"),
        ("don-vi.csv", b"", "Tệp rỗng"),
        ("don-vi.pdf", b"%PDF-1.4", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)"),
        ("don-vi.xlsx", b"day khong phai excel", "không phải bảng tính Excel"),
        ("don-vi.xlsx", b"PK\x03\x04hong", "không phải bảng tính Excel"),
        ("don-vi.csv", "Mã đơn vị".encode("utf-16"), "UTF-8"),
        ("don-vi.csv", b'"' + b"x" * 200_000 + b'"\n', "Dòng 1 có một ô dài hơn 131.072 ký tự"),
        ("don-vi.csv", b"x" * (5 * 1024 * 1024 + 1), "Tệp quá lớn"),
    ],
)
def test_broken_files_are_refused_clearly(filename, content, reason):
    assert reason in _refusal(content, filename)


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    assert "quá lớn" in _refusal(_zip_bomb(), "don-vi.xlsx")


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_IMPORT_ROWS", 3)
    rows = [[f"dv-{n}", f"Đơn vị {n}", "", "office", "1"] for n in range(4)]
    assert "quá nhiều dòng" in _refusal(csv_bytes(rows), "don-vi.csv")


def test_a_formula_is_refused_with_its_cell():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["dv-1", "Đơn vị 1", "", "office", 5])
    sheet["B2"] = '=HYPERLINK("http://x.example","Bấm vào")'
    buffer = io.BytesIO()
    workbook.save(buffer)
    message = _refusal(buffer.getvalue(), "don-vi.xlsx")
    assert "Ô B2 chứa công thức" in message


DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", " =1+1", "\t=1", "＝1+1", '=HYPERLINK("x")']


@pytest.mark.parametrize("value", DANGEROUS)
def test_one_rule_neutralises_formula_like_text_in_every_export(value):
    """Issue 14.9: the streamed exports (.csv and .xlsx) and the question export follow one
    rule, core.spreadsheets.formula_like."""
    assert spreadsheets.formula_like(value)
    line = "".join(spreadsheets._csv_lines(["Họ và tên"], [[value]])).splitlines()[1]
    assert line == "\"'" + value.replace('"', '""') + '"'


@pytest.mark.parametrize("value", ["Nguyễn Văn A", "0912 345 678", "Sở Tài chính", "a=b"])
def test_ordinary_text_is_left_alone(value):
    assert not spreadsheets.formula_like(value)


def test_every_csv_field_is_quoted_so_a_semicolon_cannot_split_a_cell():
    """Vietnamese Excel splits CSV on ";": quoted, 'Nguyen;=1+1;x' stays one cell."""
    text = "".join(spreadsheets._csv_lines(["STT", "Họ và tên"], [[1, "Nguyen;=1+1;x"], [2, None]]))
    lines = text.lstrip("\ufeff").splitlines()
    assert lines == ['"STT","Họ và tên"', '"1","Nguyen;=1+1;x"', '"2",""']
