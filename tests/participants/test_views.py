"""Unit link, QR codes (decoded back with zxing-cpp) and the admin import/export pages."""

import io

import pytest
import zxingcpp
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from participants.models import Unit, UnitLinkVisit
from participants.selectors import SIGNUP_UNIT_SESSION_KEY
from participants.services import ORGANISER_GROUP
from tests.factories import UnitFactory, UserFactory


def decode_png(content: bytes) -> list[str]:
    image = Image.open(io.BytesIO(content))
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.mark.django_db
def test_unit_link_counts_the_visit_remembers_the_unit_and_lands_home(client):
    unit = UnitFactory(code="vp-so")
    response = client.get("/u/vp-so/")
    assert response.status_code == 302
    assert response["Location"] == reverse("rounds:home")
    assert client.session[SIGNUP_UNIT_SESSION_KEY] == "vp-so"
    client.get("/u/vp-so/")
    assert UnitLinkVisit.objects.get(unit=unit).count == 2


@pytest.mark.django_db
def test_unknown_unit_link_is_a_friendly_404(client):
    response = client.get("/u/khong-ton-tai/")
    assert response.status_code == 404
    assert "Không tìm thấy đơn vị" in response.content.decode()
    assert SIGNUP_UNIT_SESSION_KEY not in client.session
    assert not UnitLinkVisit.objects.exists()


@pytest.mark.django_db
def test_unit_qr_png_decodes_to_the_unit_link_and_is_print_quality(client):
    UnitFactory(code="tt-dvvl", name="Trung tâm Dịch vụ việc làm Thanh Hóa")
    response = client.get(reverse("participants:unit_qr", args=["tt-dvvl", "png"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert decode_png(response.content) == [settings.SITE_URL + "/u/tt-dvvl/"]
    image = Image.open(io.BytesIO(response.content))
    assert image.width >= 900
    assert round(image.info["dpi"][0]) == 300
    # The caption sits under the code: the image is taller than wide, with dark pixels there.
    assert image.height > image.width
    caption_band = image.convert("L").crop((0, image.width, image.width, image.height))
    assert caption_band.getextrema()[0] < 100


@pytest.mark.django_db
def test_unit_qr_svg_holds_the_right_matrix_and_the_vietnamese_name(client):
    UnitFactory(code="tt-dvvl", name="Trung tâm Dịch vụ việc làm")
    response = client.get(reverse("participants:unit_qr", args=["tt-dvvl", "svg"]))
    assert response.status_code == 200
    svg = response.content.decode()
    assert "Trung tâm Dịch vụ việc làm" in svg
    # Rasterise the path ourselves and decode it: the SVG is a valid QR of the link.
    import re

    size = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))
    scale = 8
    image = Image.new("L", (size * scale, size * scale), 255)
    for x, y in re.findall(r"M(\d+),(\d+)h1v1h-1z", svg):
        for dx in range(scale):
            for dy in range(scale):
                image.putpixel((int(x) * scale + dx, int(y) * scale + dy), 0)
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [settings.SITE_URL + "/u/tt-dvvl/"]


@pytest.mark.django_db
def test_contest_qr_decodes_to_the_home_page(client):
    response = client.get(reverse("participants:contest_qr", args=["png"]))
    assert decode_png(response.content) == [settings.SITE_URL + "/"]
    assert client.get(reverse("participants:contest_qr", args=["gif"])).status_code == 404


@pytest.fixture
def organiser_client(client, db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    client.force_login(user)
    return client


def test_admin_import_shows_row_errors_and_writes_nothing(organiser_client):
    content = "Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Loại,Số người\na,A,,,1\nb,B,zz,,-1\n"
    upload = io.BytesIO(content.encode("utf-8-sig"))
    upload.name = "don-vi.csv"
    response = organiser_client.post(reverse("admin:participants_unit_import"), {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dòng 3" in page
    assert "số người không được âm" in page
    assert not Unit.objects.exists()


def test_admin_export_round_trips_through_import(organiser_client):
    root = UnitFactory(code="so", name="Sở Lao động - Thương binh và Xã hội")
    UnitFactory(code="vp", name="Văn phòng Sở", parent=root, headcount=46)
    response = organiser_client.get(reverse("admin:participants_unit_export", args=["xlsx"]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Loại", "Số người")
    assert ("vp", "Văn phòng Sở", "so", "office", 46) in rows
    csv_response = organiser_client.get(reverse("admin:participants_unit_export", args=["csv"]))
    csv_content = b"".join(csv_response.streaming_content)
    assert csv_content.startswith("\ufeff".encode())
    upload = io.BytesIO(csv_content)
    upload.name = "don-vi.csv"
    response = organiser_client.post(reverse("admin:participants_unit_import"), {"file": upload})
    assert response.status_code == 302
    assert Unit.objects.get(code="vp").parent == root


def test_unit_link_query_budget(db, client, django_assert_max_num_queries):
    UnitFactory(code="dem")
    client.get("/u/dem/")  # first visit of the day inserts the counter row
    # A repeat scan: unit lookup and counter update (the session, unchanged, is not written).
    with django_assert_max_num_queries(2):
        assert client.get("/u/dem/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_visits_lose_no_count():
    import threading

    from django.db import connection

    from participants.services import unit_link_visit_record

    unit = UnitFactory(code="dong-thoi")
    barrier = threading.Barrier(8)

    def visit():
        barrier.wait()
        try:
            unit_link_visit_record(unit=unit)
        finally:
            connection.close()

    threads = [threading.Thread(target=visit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert UnitLinkVisit.objects.get(unit=unit).count == 8


def test_exported_text_never_becomes_a_formula(organiser_client):
    UnitFactory(code="cong-thuc", name='=HYPERLINK("http://example.com","Bấm")')
    response = organiser_client.get(reverse("admin:participants_unit_export", args=["xlsx"]))
    content = b"".join(response.streaming_content)
    cell = load_workbook(io.BytesIO(content)).active["B2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'=HYPERLINK")
    csv_response = organiser_client.get(reverse("admin:participants_unit_export", args=["csv"]))
    assert "'=HYPERLINK" in b"".join(csv_response.streaming_content).decode("utf-8-sig")
