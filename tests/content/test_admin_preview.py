"""The announcement editor shows the body as the site will: cleaned by the allow-list, saved
and while typing (the preview view)."""

import pytest
from django.urls import reverse

from content.models import Announcement
from tests.factories import ContestFactory, UserFactory

pytestmark = pytest.mark.django_db

UNSAFE = '<h2>Kết quả Đợt 1</h2><p onclick="x()">Chúc mừng</p><script>alert(1)</script>'


def test_the_change_form_previews_the_cleaned_body(organiser_client):
    announcement = Announcement.objects.create(
        contest=ContestFactory(), title="Kết quả", slug="ket-qua", body=UNSAFE
    )
    page = organiser_client.get(
        reverse("admin:content_announcement_change", args=[announcement.pk])
    ).content.decode()
    start = page.index('class="rich-text-preview"')
    preview = page[start : page.index("</div>", start)]
    assert "<h2>Kết quả Đợt 1</h2>" in preview
    assert "<p>Chúc mừng</p>" in preview
    assert "onclick" not in preview and "alert" not in preview
    assert "Xem trước (như trên trang web)" in page
    assert "js/admin_html_preview.js" in page


def test_the_preview_view_cleans_what_is_typed(organiser_client):
    url = reverse("admin:content_announcement_preview")
    answer = organiser_client.post(url, {"body": UNSAFE}).json()
    assert answer["html"] == "<h2>Kết quả Đợt 1</h2><p>Chúc mừng</p>"
    assert organiser_client.get(url).status_code == 405
    too_long = organiser_client.post(url, {"body": "a" * 200_001})
    assert too_long.status_code == 400


def test_the_preview_is_for_organisers_only(client):
    url = reverse("admin:content_announcement_preview")
    assert client.post(url, {"body": UNSAFE}).status_code == 302  # to the admin login
    client.force_login(UserFactory(is_staff=True))  # staff without the permission
    assert client.post(url, {"body": UNSAFE}).status_code == 403
