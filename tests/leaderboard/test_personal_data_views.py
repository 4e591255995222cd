"""The participant's own data pages: view, JSON download, deletion request with a confirmation
step; consent to the rules and the privacy notice recorded at sign-up."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from core.models import AuditLogEntry
from participants import sms
from participants.models import DataDeletionRequest, Participant, User
from tests.factories import ParticipantFactory, UnitFactory, UserFactory
from tests.participants.test_views import _signup_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def person(client):
    person = ParticipantFactory(
        user=UserFactory(phone="+84912345678"), full_name="Trần Thị Dữ Liệu", cccd="038190054321"
    )
    client.force_login(person.user)
    return person


def test_profile_links_to_my_data_page(client, person):
    page = client.get(reverse("participants:profile")).content.decode()
    assert reverse("leaderboard:my_data") in page and "Dữ liệu cá nhân của tôi" in page


def test_my_data_page_shows_own_data_and_links(client, person):
    ParticipantFactory(full_name="Người Khác Hoàn Toàn")
    page = client.get(reverse("leaderboard:my_data")).content.decode()
    assert "Trần Thị Dữ Liệu" in page and "038190054321" in page
    assert "Người Khác Hoàn Toàn" not in page
    assert reverse("leaderboard:my_data_download") in page
    assert reverse("participants:deletion_request") in page


def test_download_is_a_json_file_of_own_data_and_is_logged(client, person, open_round):
    from quizzes.services import attempt_start

    attempt_start(participant=person, round=open_round)
    other = ParticipantFactory(full_name="Người Khác Hoàn Toàn")
    response = client.get(reverse("leaderboard:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["ho_so"]["ho_ten"] == "Trần Thị Dữ Liệu"
    assert data["tai_khoan"]["so_dien_thoai"] == "0912 345 678"
    assert len(data["luot_thi"]) == 1
    assert other.full_name not in response.content.decode()
    entry = AuditLogEntry.objects.get(action="own_data_download")
    assert entry.actor == person.user and entry.target_id == str(person.pk)


def test_my_data_needs_login(client):
    for name in ("leaderboard:my_data", "leaderboard:my_data_download"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("account_login") in response.url


def test_deletion_request_needs_confirmation(client, person):
    url = reverse("participants:deletion_request")
    page = client.get(url).content.decode()
    assert "kết quả các bài thi được giữ lại ở dạng ẩn danh" in page.lower()
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "đánh dấu ô xác nhận" in refused.content.decode()
    assert not DataDeletionRequest.objects.exists()

    done = client.post(url, {"confirm": "yes"}, follow=True)
    assert done.redirect_chain[-1][0] == url
    assert "Đã ghi nhận yêu cầu xóa tài khoản" in done.content.decode()
    assert 'id="deletion-pending"' in done.content.decode()
    client.post(url, {"confirm": "yes"})
    assert DataDeletionRequest.objects.filter(participant=person).count() == 1
    assert DataDeletionRequest.objects.get(participant=person).confirmed_at is not None
    # Nothing is erased yet: organisers carry it out after the contest.
    person.refresh_from_db()
    assert person.full_name == "Trần Thị Dữ Liệu" and person.user.is_active


def test_privacy_notice_page_is_vietnamese_with_its_version(client):
    page = client.get(reverse("participants:privacy_notice")).content.decode()
    assert "Thông báo xử lý dữ liệu cá nhân" in page
    assert "13/2023/NĐ-CP" in page
    assert settings.PRIVACY_NOTICE_VERSION in page


def test_signup_without_consent_is_refused_and_creates_nothing(client):
    data = _signup_data(UnitFactory())
    del data["consent"]
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 400
    assert "Bạn cần đồng ý với Thể lệ cuộc thi" in response.content.decode()
    assert not User.objects.exists()


def test_signup_form_links_the_rules_and_the_privacy_notice(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="consent"' in page
    assert f'<a href="{reverse("participants:privacy_notice")}"' in page
    assert f'<a href="{reverse("content:rules")}"' in page
    assert settings.PRIVACY_NOTICE_VERSION in page


def test_signup_records_the_consent_version_and_time(client):
    client.post(reverse("account_signup"), _signup_data(UnitFactory()))
    participant = Participant.objects.get()
    assert participant.privacy_consent_version == settings.PRIVACY_NOTICE_VERSION
    assert participant.privacy_consent_at is not None
