"""Unit import (whole-file validation), export round trip and the visit counter."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from core.models import AuditLogEntry
from participants.models import Unit, UnitLinkVisit
from participants.selectors import unit_tree_choices
from participants.services import (
    ProfileLocked,
    UnitImportError,
    participant_profile_update,
    unit_link_visit_record,
    units_import,
)
from tests.factories import UnitFactory

HEADER = ["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại", "Số người"]


def csv_bytes(rows: list[list[str]]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(cell) for cell in row) for row in rows]
    return ("\ufeff" + "\n".join(lines)).encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_import_xlsx_creates_the_tree_with_parents_listed_after_children():
    content = xlsx_bytes(
        [
            ["p-mot", "Phòng Một", "so", "office", 12],
            ["so", "Sở Thông tin và Truyền thông", "", "Sở, ban, ngành", 5],
        ]
    )
    result = units_import(content=content, filename="don-vi.xlsx", actor=None)
    assert (result.created, result.updated) == (2, 0)
    office = Unit.objects.get(code="p-mot")
    assert office.parent.code == "so"
    assert office.headcount == 12
    assert Unit.objects.get(code="so").kind == Unit.Kind.DEPARTMENT
    assert AuditLogEntry.objects.filter(action="units_import").count() == 1


@pytest.mark.django_db
def test_import_csv_updates_existing_units_by_code():
    UnitFactory(code="so", name="Tên cũ", headcount=1)
    result = units_import(
        content=csv_bytes([["so", "Tên mới có dấu", "", "", "30"]]), filename="a.csv", actor=None
    )
    assert (result.created, result.updated) == (0, 1)
    unit = Unit.objects.get(code="so")
    assert (unit.name, unit.headcount) == ("Tên mới có dấu", 30)


BAD_FILES = {
    "unknown parent": ([["a", "A", "khong-co", "", "1"]], "Dòng 2: không có đơn vị cấp trên"),
    "duplicate code": (
        [["a", "A", "", "", "1"], ["a", "A lần hai", "", "", "1"]],
        "Dòng 3: mã đơn vị “a” trùng với dòng 2",
    ),
    "cycle": (
        [["a", "A", "b", "", "1"], ["b", "B", "c", "", "1"], ["c", "C", "a", "", "1"]],
        "vòng lặp cấp trên",
    ),
    "own parent": ([["a", "A", "a", "", "1"]], "Dòng 2: đơn vị không thể là cấp trên"),
    "negative headcount": ([["a", "A", "", "", "-5"]], "Dòng 2: số người không được âm"),
    "missing name": ([["a", "", "", "", "1"]], "Dòng 2: thiếu tên đơn vị"),
    "bad kind": ([["a", "A", "", "hành tinh", "1"]], "Dòng 2: loại đơn vị"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_row_refuses_the_whole_file_and_writes_nothing(case):
    UnitFactory(code="co-san", name="Có sẵn", headcount=7)
    bad_rows, expected = BAD_FILES[case]
    # A good row first: it must not be written either.
    rows = [["moi", "Đơn vị mới", "co-san", "", "3"], *bad_rows]
    content = csv_bytes(rows)
    # The bad row numbers above count from the first data row; shift for the good row.
    with pytest.raises(UnitImportError) as caught:
        units_import(content=content, filename="x.csv", actor=None)
    messages = " | ".join(caught.value.errors)
    expected_shifted = expected
    for number in (3, 2):
        expected_shifted = expected_shifted.replace(f"Dòng {number}", f"Dòng {number + 1}")
        expected_shifted = expected_shifted.replace(f"dòng {number}", f"dòng {number + 1}")
    assert expected_shifted in messages
    assert list(Unit.objects.values_list("code", flat=True)) == ["co-san"]
    assert Unit.objects.get(code="co-san").headcount == 7


@pytest.mark.django_db
def test_a_cycle_through_existing_units_is_refused():
    parent = UnitFactory(code="cha")
    UnitFactory(code="con", parent=parent)
    with pytest.raises(UnitImportError) as caught:
        units_import(
            content=csv_bytes([["cha", "Cha", "con", "", "1"]]), filename="x.csv", actor=None
        )
    assert "vòng lặp" in caught.value.errors[0]
    assert Unit.objects.get(code="cha").parent is None


@pytest.mark.django_db
def test_not_a_spreadsheet_is_refused_with_a_message():
    with pytest.raises(UnitImportError) as caught:
        units_import(content=b"\x00\x01", filename="x.xlsx", actor=None)
    assert "Excel" in caught.value.errors[0]
    with pytest.raises(UnitImportError):
        units_import(content=b"abc", filename="x.pdf", actor=None)


@pytest.mark.django_db
def test_visit_counter_increments_in_the_database_per_day():
    unit = UnitFactory()
    day = dt.date(2024, 9, 9)
    for _ in range(3):
        unit_link_visit_record(unit=unit, day=day)
    unit_link_visit_record(unit=unit, day=day + dt.timedelta(days=1))
    counts = dict(UnitLinkVisit.objects.filter(unit=unit).values_list("day", "count"))
    assert counts == {day: 3, day + dt.timedelta(days=1): 1}


pytestmark = pytest.mark.django_db


def test_unit_tree_choices_group_children_under_their_top_unit():
    root = UnitFactory(name="Sở A", sort_order=1)
    child = UnitFactory(name="Phòng B", parent=root)
    grandchild = UnitFactory(name="Tổ C", parent=child)
    lone = UnitFactory(name="Đơn vị lẻ", sort_order=2)
    UnitFactory(name="Đã giải thể", is_active=False)
    choices = unit_tree_choices()
    assert choices == [
        ("Sở A", [(root.pk, "Sở A"), (child.pk, "– Phòng B"), (grandchild.pk, "\u2003– Tổ C")]),
        (lone.pk, "Đơn vị lẻ"),
    ]


def test_profile_update_refuses_identifying_changes_once_locked(participant):
    participant.profile_locked_at = timezone.now()
    participant.save()
    with pytest.raises(ProfileLocked):
        participant_profile_update(participant=participant, full_name="Tên Khác")
    participant.refresh_from_db()
    assert participant.full_name != "Tên Khác"
    participant_profile_update(
        participant=participant, full_name=participant.full_name, locality="Nga Sơn"
    )
    participant.refresh_from_db()
    assert participant.locality == "Nga Sơn"
