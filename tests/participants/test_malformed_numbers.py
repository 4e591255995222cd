"""Numbers typed wrong. A unit's headcount of 9,999,999,999 (extra digits): a Vietnamese error
in the import and in the admin form, nothing saved (on PostgreSQL it was a 500, integer out of
range). A round number in other digits ("²") is a 404, not a 500."""

import io

import pytest
from django.urls import reverse

from participants.models import Unit

pytestmark = pytest.mark.django_db

HEADER = "Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Loại,Số người\n"


def _upload(rows: str):
    upload = io.BytesIO((HEADER + rows).encode("utf-8-sig"))
    upload.name = "don-vi.csv"
    return upload


@pytest.mark.parametrize("headcount", ["9999999999", "10000001", "99999999999999999999999"])
def test_import_refuses_an_absurd_headcount(organiser_client, headcount):
    url = reverse("admin:participants_unit_import")
    response = organiser_client.post(url, {"file": _upload(f"a,A,,,5\nb,B,,,{headcount}\n")})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dòng 3" in page and "số người tối đa là 10.000.000" in page
    assert not Unit.objects.exists()


def test_import_accepts_the_largest_headcount(organiser_client):
    url = reverse("admin:participants_unit_import")
    response = organiser_client.post(url, {"file": _upload("a,A,,,10000000\n")})
    assert response.status_code == 302
    assert Unit.objects.get(code="a").headcount == 10_000_000


def test_admin_form_refuses_an_absurd_headcount(organiser_client):
    form = {"code": "b", "name": "B", "kind": "office", "headcount": "9999999999"}
    response = organiser_client.post(
        reverse("admin:participants_unit_add"), {**form, "sort_order": "0", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "Số người của một đơn vị tối đa là 10.000.000" in response.content.decode()
    assert not Unit.objects.exists()


@pytest.mark.parametrize("number", ["²", "١"])
def test_a_round_number_in_other_digits_is_a_404_not_a_500(client, number):
    from tests.factories import RoundFactory

    RoundFactory()
    response = client.get(reverse("leaderboard:public_board"), {"dot": number})
    assert response.status_code == 404
