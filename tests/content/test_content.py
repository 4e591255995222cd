import pytest
from django.core.management import call_command
from django.urls import reverse

from content.models import Announcement, StudyMaterial
from content.sanitize import html_sanitize
from content.services import WinnerLine, announcement_draft_results, announcement_publish
from tests.factories import ContestFactory, RoundFactory

HOSTILE = [
    ('<p>Xin chào<script>alert("x")</script></p>', "<p>Xin chào</p>"),
    ('<img src="/a.png" onerror="alert(1)" alt="ảnh">', '<img src="/a.png" alt="ảnh">'),
    ('<a href="javascript:alert(1)">bấm</a>', '<a rel="noopener noreferrer">bấm</a>'),
    ('<p onclick="steal()" style="color:red">Thể lệ</p>', "<p>Thể lệ</p>"),
    ("<iframe src='https://evil.example'></iframe><b>đậm</b>", "<b>đậm</b>"),
    ("<svg><script>alert(1)</script></svg>", ""),
    ("<style>body{display:none}</style><p>nội dung</p>", "<p>nội dung</p>"),
]


@pytest.mark.parametrize(("dirty", "clean"), HOSTILE)
def test_sanitiser_strips_scripts_handlers_and_unsafe_urls(dirty, clean):
    assert html_sanitize(dirty) == clean


def test_sanitiser_keeps_the_formatting_organisers_use():
    html = '<h2>Điều 1</h2><ul><li><strong>01</strong> giải Nhất</li></ul><a href="https://x.vn/a">a</a>'
    assert html_sanitize(html) == html.replace('">a<', '" rel="noopener noreferrer">a<')


@pytest.mark.django_db
def test_stored_html_is_the_sanitised_html():
    material = StudyMaterial.objects.create(
        title="Tài liệu",
        slug="tai-lieu",
        body='<p onmouseover="x()">Nội dung</p><script>1</script>',
    )
    material.refresh_from_db()
    assert material.body == "<p>Nội dung</p>"


@pytest.mark.django_db
def test_public_pages_show_published_content_only(client):
    call_command("seed_demo")
    Announcement.objects.create(title="Bản nháp bí mật", slug="ban-nhap", body="<p>nháp</p>")
    listing = client.get(reverse("content:announcement_list")).content.decode()
    assert "Phổ biến nội dung và phát động" in listing
    assert "Bản nháp bí mật" not in listing
    assert client.get(reverse("content:announcement_detail", args=["ban-nhap"])).status_code == 404
    rules = client.get(reverse("content:rules")).content.decode()
    assert "227/TL-BTC" in rules and "29/08/2024" in rules
    materials = client.get(reverse("content:material_list")).content.decode()
    assert "Ngày Chuyển đổi số quốc gia 10/10" in materials
    detail = client.get(reverse("content:material_detail", args=["ngay-chuyen-doi-so-quoc-gia"]))
    assert "505/QĐ-TTg" in detail.content.decode()


@pytest.mark.django_db
def test_results_announcement_is_drafted_then_refreshed_until_published():
    round = RoundFactory(contest=ContestFactory(name="Cuộc thi A"))
    winners = [WinnerLine("Giải Nhất", "Trần Thị B · 09******12", "Văn phòng Sở", 20, 312_000)]
    draft = announcement_draft_results(round=round, winners=winners)
    assert not draft.is_published
    assert "Trần Thị B · 09******12" in draft.body and "Giải Nhất" in draft.body
    again = announcement_draft_results(
        round=round, winners=[WinnerLine("Giải Nhất", "Lê Văn C", "Thanh tra Sở", 20, 300_000)]
    )
    assert again.pk == draft.pk and "Lê Văn C" in again.body
    announcement_publish(announcement=again)
    edited_by_organiser = again.body
    final = announcement_draft_results(round=round, winners=winners)
    assert final.body == edited_by_organiser
    assert Announcement.objects.filter(round=round).count() == 1
