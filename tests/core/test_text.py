"""Vietnamese slugs and name order: one helper for slugs, ICU order on PostgreSQL, a sensible
order on SQLite (make run)."""

import csv
import io
import sqlite3

import pytest
from django.urls import reverse

from core.collation import SQLITE_COLLATION, VietnameseOrder, _sqlite_compare
from core.text import slugify_vi
from participants.models import Participant
from tests.factories import (
    FinishedAttemptFactory,
    ParticipantFactory,
    RoundFactory,
    UnitFactory,
)

NAMES_IN_VIETNAMESE_ORDER = [
    "An Văn Bình",
    "Bùi Thị Ánh",
    "Dương Văn Cường",
    "Đinh Bá Lâm",
    "Đỗ Văn Nam",
    "Ông Văn Tám",
    "Vũ Thị Hoa",
]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Đỗ Văn Nam", "do-van-nam"),
        ("Cuộc thi trực tuyến", "cuoc-thi-truc-tuyen"),
        ("ĐỢT THI SỐ 1: Chuyển đổi số", "dot-thi-so-1-chuyen-doi-so"),
        ("Tìm hiểu   về  Nghị định 30/2020/NĐ-CP", "tim-hieu-ve-nghi-dinh-302020nd-cp"),
        ("Người dân ưu tiên", "nguoi-dan-uu-tien"),
    ],
)
def test_slugs_transliterate_vietnamese(text, slug):
    assert slugify_vi(text) == slug


def test_slugs_are_cut_without_a_trailing_dash():
    assert slugify_vi("Cuộc thi trực tuyến", max_length=9) == "cuoc-thi"


@pytest.mark.django_db
def test_names_sort_in_vietnamese_order_on_postgresql():
    unit = UnitFactory()
    for name in reversed(NAMES_IN_VIETNAMESE_ORDER):
        ParticipantFactory(full_name=name, unit=unit)
    names = list(
        Participant.objects.order_by(VietnameseOrder("full_name")).values_list(
            "full_name", flat=True
        )
    )
    assert names == NAMES_IN_VIETNAMESE_ORDER


@pytest.mark.django_db
def test_the_people_export_and_the_admin_list_sort_names_in_vietnamese(organiser_client):
    unit = UnitFactory(code="don-vi-xep")
    round = RoundFactory()
    for name in ("Đỗ Văn Nam", "Vũ Thị Hoa", "Dương Văn Cường"):  # neither order nor reversed
        person = ParticipantFactory(full_name=name, unit=unit)
        FinishedAttemptFactory(participant=person, round=round)
    in_order = ("Dương Văn Cường", "Đỗ Văn Nam", "Vũ Thị Hoa")
    text = organiser_client.get(reverse("admin:participants_participant_changelist")).content
    positions = [text.decode().index(name) for name in in_order]
    assert positions == sorted(positions)
    export = organiser_client.get(
        reverse("leaderboard:unit_people_export", args=["don-vi-xep", "csv"])
        + f"?cuoc_thi={round.contest.slug}"
    )
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == list(in_order)


def test_sqlite_puts_do_before_vu():
    connection = sqlite3.connect(":memory:")
    connection.create_collation(SQLITE_COLLATION, _sqlite_compare)
    connection.execute("CREATE TABLE people (name TEXT)")
    connection.executemany(
        "INSERT INTO people VALUES (?)", [(name,) for name in reversed(NAMES_IN_VIETNAMESE_ORDER)]
    )
    rows = connection.execute(f"SELECT name FROM people ORDER BY name COLLATE {SQLITE_COLLATION}")
    names = [name for (name,) in rows]
    assert names.index("Đỗ Văn Nam") < names.index("Vũ Thị Hoa")
    assert names.index("Đinh Bá Lâm") < names.index("Ông Văn Tám")
    assert names[0] == "An Văn Bình"
