"""Certificates: the PDF (one A4 landscape page, the person's name, a QR code that decodes to
the verification URL), the verification page, who may download, the organisers' zip, and the
results announcement drafted on publication."""

import datetime as dt
import io
import zipfile

import pytest
import zxingcpp
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from content.models import Announcement
from core.models import AuditLogEntry
from leaderboard.certificates import (
    CertificateError,
    certificate_issue,
    round_prize_certificates_zip,
)
from leaderboard.models import Certificate
from operations.pipeline import round_publish_and_announce, round_rank
from rounds.models import Disqualification, Round
from rounds.services import round_publish
from tests.factories import (
    ContestFactory,
    FinishedAttemptFactory,
    ParticipantFactory,
    PrizeTierFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_round():
    """A ranked and published round: Lê Thị Hoa (Phòng Người có công) wins the first prize,
    Đỗ Văn Bình takes part with 3/5."""
    now = timezone.now()
    contest = ContestFactory(
        name="Cuộc thi trực tuyến tìm hiểu về chuyển đổi số tỉnh Thanh Hóa năm 2024",
        organiser_name="Sở Thông tin và Truyền thông tỉnh Thanh Hóa",
    )
    round = RoundFactory(
        contest=contest,
        number=1,
        name="Đợt 1",
        starts_at=now - dt.timedelta(days=4),
        ends_at=now - dt.timedelta(hours=1),
    )
    PrizeTierFactory(round=round, name="Giải Nhất", count=1, order=1)
    winner = ParticipantFactory(
        full_name="Lê Thị Hoa",
        unit=UnitFactory(name="Phòng Người có công"),
        user=UserFactory(phone="+84912345678"),
    )
    other = ParticipantFactory(full_name="Đỗ Văn Bình")
    FinishedAttemptFactory(round=round, participant=winner, score=5)
    FinishedAttemptFactory(round=round, participant=other, score=3)
    round_rank(round_id=round.pk)
    round_publish(round_id=round.pk, actor=None)
    round.refresh_from_db()
    return {"round": round, "winner": winner, "other": other}


def _qr_texts(pdf: bytes) -> list[str]:
    texts = []
    for image in PdfReader(io.BytesIO(pdf)).pages[0].images:
        picture = Image.open(io.BytesIO(image.data)).convert("L")
        texts += [result.text for result in zxingcpp.read_barcodes(picture)]
    return texts


def test_the_certificate_pdf_has_one_landscape_page_the_name_and_a_qr_to_verify(
    client, published_round
):
    winner, round = published_round["winner"], published_round["round"]
    client.force_login(winner.user)
    response = client.get(reverse("leaderboard:certificate_mine", args=[round.pk, "dat-giai"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert int(float(page.mediabox.width)) == 841  # A4: 841.89 pt
    text = page.extract_text()
    assert "Lê Thị Hoa" in text  # Vietnamese, with its diacritics
    assert "Phòng Người có công" in text and "Giải Nhất" in text and "Đợt 1" in text
    assert "chuyển đổi số tỉnh Thanh Hóa" in " ".join(text.split())

    certificate = Certificate.objects.get(participant=winner, kind=Certificate.Kind.PRIZE)
    verify_url = settings.SITE_URL + f"/verify/{certificate.code}/"
    assert _qr_texts(response.content) == [verify_url]
    assert len(certificate.code) >= 22  # 128 random bits

    page = client.get(f"/verify/{certificate.code}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Chứng nhận hợp lệ" in body and "Lê Thị Hoa · 09******78" in body
    assert "Phòng Người có công" in body and "Giải Nhất" in body and "Đợt 1" in body
    assert "0912345678" not in body


def test_a_participation_certificate_prints_the_score(client, published_round):
    other, round = published_round["other"], published_round["round"]
    client.force_login(other.user)
    response = client.get(reverse("leaderboard:certificate_mine", args=[round.pk, "tham-gia"]))
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Đỗ Văn Bình" in text and "3/5" in text
    # Not a prize winner: no prize certificate.
    refused = client.get(reverse("leaderboard:certificate_mine", args=[round.pk, "dat-giai"]))
    assert refused.status_code == 404
    assert "chưa đủ điều kiện" in refused.content.decode()
    unknown_kind = client.get(f"/chung-nhan/dot/{round.pk}/bang-khen.pdf")
    assert unknown_kind.status_code == 404


@pytest.mark.parametrize("code", ["khong-ton-tai", "A" * 22, "x" * 41])
def test_an_unknown_or_forged_code_gives_a_clear_not_found_page(client, published_round, code):
    response = client.get(f"/verify/{code}/")
    assert response.status_code == 404
    assert "Không tìm thấy chứng nhận" in response.content.decode()


def test_only_the_owner_or_an_organiser_can_download(client, published_round, organiser):
    winner, round = published_round["winner"], published_round["round"]
    certificate = certificate_issue(participant=winner, round=round, kind=Certificate.Kind.PRIZE)
    url = reverse("leaderboard:certificate_download", args=[certificate.code])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(published_round["other"].user)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))  # staff without the organiser role
    assert client.get(url).status_code == 404
    client.force_login(winner.user)
    assert client.get(url).status_code == 200
    client.force_login(organiser)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_no_certificate_before_publication_nor_for_practice_nor_after_disqualification(
    published_round,
):
    winner, round = published_round["winner"], published_round["round"]
    practice = RoundFactory(contest=round.contest, number=0, is_practice=True)
    FinishedAttemptFactory(round=practice, participant=winner)
    with pytest.raises(CertificateError):
        certificate_issue(participant=winner, round=practice, kind=Certificate.Kind.PARTICIPATION)
    assert certificate_issue(participant=winner, round=round, kind=Certificate.Kind.PARTICIPATION)
    round.state = Round.State.RANKED
    with pytest.raises(CertificateError):
        certificate_issue(participant=winner, round=round, kind=Certificate.Kind.PARTICIPATION)
    round.state = Round.State.PUBLISHED
    Disqualification.objects.create(contest=round.contest, participant=winner, reason="thi hộ")
    with pytest.raises(CertificateError):
        certificate_issue(participant=winner, round=round, kind=Certificate.Kind.PARTICIPATION)


def test_a_revoked_certificate_is_no_longer_confirmed(client, published_round):
    winner, round = published_round["winner"], published_round["round"]
    certificate = certificate_issue(participant=winner, round=round, kind=Certificate.Kind.PRIZE)
    assert client.get(f"/verify/{certificate.code}/").status_code == 200
    Disqualification.objects.create(contest=round.contest, participant=winner, reason="thi hộ")
    assert client.get(f"/verify/{certificate.code}/").status_code == 404


def test_issuing_twice_gives_the_same_certificate(published_round):
    winner, round = published_round["winner"], published_round["round"]
    first = certificate_issue(participant=winner, round=round, kind=Certificate.Kind.PRIZE)
    second = certificate_issue(participant=winner, round=round, kind=Certificate.Kind.PRIZE)
    assert first.pk == second.pk and first.code == second.code
    assert Certificate.objects.count() == 1


def test_history_shows_rank_prize_and_certificate_links(client, published_round):
    winner, round = published_round["winner"], published_round["round"]
    client.force_login(winner.user)
    history = client.get(reverse("operations:history")).content.decode()
    assert "Hạng của bạn: <strong>1</strong>" in history and "Giải Nhất" in history
    assert reverse("leaderboard:certificate_mine", args=[round.pk, "dat-giai"]) in history
    assert reverse("leaderboard:certificate_mine", args=[round.pk, "tham-gia"]) in history


def test_organisers_download_a_rounds_prize_certificates_as_one_zip(
    client, published_round, organiser
):
    round = published_round["round"]
    content = round_prize_certificates_zip(round_ids=[round.pk], actor=organiser)
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    assert len(names) == 1 and names[0].endswith(".pdf") and "le-thi-hoa" in names[0]
    text = PdfReader(io.BytesIO(archive.read(names[0]))).pages[0].extract_text()
    assert "Lê Thị Hoa" in text
    log = AuditLogEntry.objects.get(action="certificates_prize_zip")
    assert log.actor == organiser and log.details == {"certificates": 1}


def test_the_zip_admin_action_refuses_unpublished_rounds(client, published_round, organiser):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    unpublished = RoundFactory(contest=published_round["round"].contest, number=2)
    url = reverse("admin:rounds_round_changelist")
    action = {"action": "download_prize_certificates", "_selected_action": [unpublished.pk]}
    response = client.post(url, action, follow=True)
    assert "đã công bố kết quả" in response.content.decode()
    action["_selected_action"] = [published_round["round"].pk]
    response = client.post(url, action)
    assert response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_publishing_results_drafts_the_announcement_with_the_winners(published_round):
    round = published_round["round"]
    Round.objects.filter(pk=round.pk).update(state=Round.State.RANKED)
    draft = round_publish_and_announce(round_id=round.pk, actor=None)
    assert not draft.is_published and draft.round_id == round.pk
    assert "Lê Thị Hoa · 09******78" in draft.body and "Giải Nhất" in draft.body
    assert "Phòng Người có công" in draft.body
    assert "0912345678" not in draft.body
    round.refresh_from_db()
    assert round.state == Round.State.PUBLISHED
    # Publishing again (already published) refreshes the draft, never duplicates it.
    round_publish_and_announce(round_id=round.pk, actor=None)
    assert Announcement.objects.filter(round=round).count() == 1


def test_the_admin_publish_action_drafts_the_announcement(client, published_round):
    round = published_round["round"]
    Round.objects.filter(pk=round.pk).update(state=Round.State.RANKED)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:rounds_round_changelist"),
        {"action": "publish_results", "_selected_action": [round.pk], "confirm": "yes"},
        follow=True,
    )
    draft = Announcement.objects.get(round=round)
    assert reverse("admin:content_announcement_change", args=[draft.pk]) in (
        response.content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_downloads_issue_one_certificate(published_round):
    import threading

    from django.db import connection

    winner, round = published_round["winner"], published_round["round"]
    barrier = threading.Barrier(6)
    codes = []

    def download():
        barrier.wait()
        try:
            codes.append(
                certificate_issue(participant=winner, round=round, kind=Certificate.Kind.PRIZE).code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(codes) == 6 and len(set(codes)) == 1
    assert Certificate.objects.filter(participant=winner).count() == 1
