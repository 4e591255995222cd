"""Reports, exports, dashboards, collective ranking and promotion pages: who sees what,
what the files contain, what gets logged."""

import csv
import datetime as dt
import io

import pytest
import zxingcpp
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from core.models import AuditLogEntry
from leaderboard.models import Award, RoundResult
from leaderboard.provisional import provisional_boards_refresh
from leaderboard.results import participant_recognition
from leaderboard.statistics import participation_refresh
from operations.pipeline import round_rank
from participants.models import UnitRepresentative
from rounds.models import Round
from rounds.services import round_publish, round_unpublish
from tests.factories import (
    ContestFactory,
    FinishedAttemptFactory,
    ParticipantFactory,
    PrizeTierFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)

from .builders import finished_attempt


@pytest.fixture
def world(db):
    """Two branches: so → (p1 → p1a) and so → p2; people in p1a and p2 took part in round 1."""
    contest = ContestFactory(slug="cuoc-thi", participation_target_percent=80)
    round1 = RoundFactory(contest=contest, number=1)
    so = UnitFactory(code="so", name="Sở", headcount=2)
    p1 = UnitFactory(code="p1", name="Phòng Một", parent=so, headcount=4)
    p1a = UnitFactory(code="p1a", name="Tổ Một A", parent=p1, headcount=4)
    p2 = UnitFactory(code="p2", name="Phòng Hai", parent=so, headcount=10)
    alice = ParticipantFactory(unit=p1a, full_name="Trần Thị Một A", cccd="038190001234")
    bob = ParticipantFactory(unit=p2, full_name="Lê Văn Phòng Hai")
    alice_attempt = finished_attempt(participant=alice, round=round1, score=5, seconds=200)
    bob_attempt = finished_attempt(participant=bob, round=round1, score=5, seconds=250)
    participation_refresh(contest_id=contest.pk)
    return {
        "contest": contest,
        "round": round1,
        "units": {"so": so, "p1": p1, "p1a": p1a, "p2": p2},
        "people": {"alice": alice, "bob": bob},
        "attempts": {"alice": alice_attempt, "bob": bob_attempt},
    }


@pytest.fixture
def representative_client(client, world):
    user = UserFactory()
    UnitRepresentative.objects.create(user=user, unit=world["units"]["p1"])
    client.force_login(user)
    return client


def xlsx_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_report_needs_login_and_a_role(client, world):
    url = reverse("leaderboard:report") + "?cuoc_thi=cuoc-thi"
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_representative_sees_their_unit_and_sub_units_only(representative_client, world):
    response = representative_client.get(reverse("leaderboard:report") + "?cuoc_thi=cuoc-thi")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Phòng Một" in page and "Tổ Một A" in page
    assert "Phòng Hai" not in page
    own = representative_client.get(reverse("leaderboard:unit_report", args=["p1"]) + "?dot=1")
    assert own.status_code == 200
    assert "Trần Thị Một A" in own.content.decode()
    assert "Lê Văn Phòng Hai" not in own.content.decode()


@pytest.mark.parametrize("code", ["p2", "so"])
def test_representative_gets_403_for_other_units_people_and_exports(
    representative_client, world, code
):
    assert (
        representative_client.get(reverse("leaderboard:unit_report", args=[code])).status_code
        == 403
    )
    for fmt in ("xlsx", "csv"):
        url = reverse("leaderboard:unit_people_export", args=[code, fmt])
        assert representative_client.get(url).status_code == 403
    assert not AuditLogEntry.objects.filter(action="export_unit_people").exists()


def test_representative_cannot_use_organiser_exports_or_dashboard(representative_client, world):
    urls = [
        reverse("leaderboard:dashboard"),
        reverse("leaderboard:ranking_export", args=[world["round"].pk, "xlsx"]),
        reverse("leaderboard:winners_export", args=["xlsx"]),
        reverse("leaderboard:collective_export", args=["csv"]),
    ]
    for url in urls:
        assert representative_client.get(url).status_code == 403, url


def test_representative_participation_export_holds_only_their_units(representative_client, world):
    response = representative_client.get(
        reverse("leaderboard:participation_export", args=["xlsx"]) + "?dot=1"
    )
    rows = xlsx_rows(response)
    assert rows[0][:3] == ("Mã đơn vị", "Tên đơn vị", "Cấp")
    assert [row[0] for row in rows[1:]] == ["p1", "p1a"]
    p1 = rows[1]
    # p1 with p1a: headcount 8, one person took part → 12.5 %, 67.5 points and 6 people short.
    assert p1[3:] == (8, 1, 1, 1, 12.5, 80.0, 67.5, 6)


def test_unit_people_export_masks_phone_and_is_logged(representative_client, world):
    response = representative_client.get(
        reverse("leaderboard:unit_people_export", args=["p1", "csv"]) + "?dot=1"
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["STT", "Họ và tên", "Số điện thoại"]
    assert len(rows) == 2
    alice = world["people"]["alice"]
    assert rows[1][1] == "Trần Thị Một A"
    assert rows[1][2] == alice.masked_phone
    assert rows[1][3] == "038*******34"
    entry = AuditLogEntry.objects.get(action="export_unit_people")
    assert entry.target_id == str(world["units"]["p1"].pk)
    assert entry.details["full_personal_data"] is False


def test_personal_data_permission_shows_full_phone_and_cccd(organiser_client, organiser, world):
    organiser.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    response = organiser_client.get(reverse("leaderboard:unit_people_export", args=["so", "xlsx"]))
    rows = xlsx_rows(response)
    names = {row[1]: row for row in rows[1:]}
    assert set(names) == {"Trần Thị Một A", "Lê Văn Phòng Hai"}
    assert names["Trần Thị Một A"][3] == "038190001234"
    assert AuditLogEntry.objects.get(action="export_unit_people").details["full_personal_data"]


def test_unit_report_page_with_full_personal_data_is_logged(organiser_client, organiser, world):
    """Issue 14.11: the HTML list of people is logged like the exports when it shows full
    data; a masked page is not."""
    url = reverse("leaderboard:unit_report", args=["so"])
    masked = organiser_client.get(url).content.decode()
    assert "038190001234" not in masked
    assert not AuditLogEntry.objects.filter(action="view_unit_people").exists()
    organiser.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    full = organiser_client.get(url).content.decode()
    assert "038190001234" in full
    entry = AuditLogEntry.objects.get(action="view_unit_people")
    assert entry.actor == organiser and entry.target_id == str(world["units"]["so"].pk)
    assert entry.details["people"] == 2 and entry.details["full_personal_data"] is True


def test_ranking_export_has_every_tie_break_value(organiser_client, world):
    round1 = world["round"]
    for rank, name in ((1, "alice"), (2, "bob")):
        attempt = world["attempts"][name]
        RoundResult.objects.create(
            round=round1,
            participant=world["people"][name],
            attempt=attempt,
            score=attempt.score,
            prediction=10 + rank,
            prediction_error=rank,
            duration_ms=attempt.duration_ms,
            submitted_at=attempt.submitted_at,
            rank=rank,
        )
    rows = xlsx_rows(
        organiser_client.get(reverse("leaderboard:ranking_export", args=[round1.pk, "xlsx"]))
    )
    assert rows[0] == (
        "Hạng",
        "Họ và tên",
        "Số điện thoại",
        "Đơn vị",
        "Điểm",
        "Dự đoán",
        "Sai số dự đoán",
        "Thời gian làm bài (giây)",
        "Nộp bài lúc",
        "Lượt thi được tính",
    )
    assert rows[1][:8] == (
        1,
        "Trần Thị Một A",
        world["people"]["alice"].masked_phone,
        "Tổ Một A",
        5,
        11,
        1,
        200.0,
    )
    assert rows[2][0] == 2
    assert AuditLogEntry.objects.filter(action="export_round_ranking").count() == 1


def _award_alice(world) -> Award:
    round1 = world["round"]
    attempt = world["attempts"]["alice"]
    result = RoundResult.objects.create(
        round=round1,
        participant=world["people"]["alice"],
        attempt=attempt,
        score=5,
        duration_ms=attempt.duration_ms,
        submitted_at=attempt.submitted_at,
        rank=1,
    )
    tier = PrizeTierFactory(round=round1, name="Giải Nhất", order=1)
    return Award.objects.create(
        round=round1, participant=result.participant, tier=tier, result=result
    )


def _winners(client) -> list[tuple]:
    url = reverse("leaderboard:winners_export", args=["xlsx"]) + "?cuoc_thi=cuoc-thi"
    return xlsx_rows(client.get(url))


def test_winners_export_lists_awards(organiser_client, world):
    _award_alice(world)
    rows = _winners(organiser_client)
    assert rows[1][:4] == ("Đợt 1", "Giải Nhất", 1, "Trần Thị Một A")
    alice = world["people"]["alice"]
    assert rows[0][4:7] == ("Số điện thoại", "Email", "Số CCCD")
    assert rows[1][4:7] == (alice.masked_phone, None, "038*******34")
    assert AuditLogEntry.objects.filter(action="export_winners").exists()


def test_personal_data_group_sees_and_exports_winners_contacts_audited(
    organiser_client, organiser, world
):
    """Issue 15, "People": the winners can be contacted by organisers in the group
    "Ban Tổ chức — dữ liệu cá nhân"; what they saw and exported is logged."""
    from django.contrib.auth.models import Group

    from participants.services import PERSONAL_DATA_GROUP

    alice = world["people"]["alice"]
    alice.user.email = "mot.a@example.vn"
    alice.user.save()
    _award_alice(world)
    awards_url = reverse("admin:leaderboard_award_changelist")
    masked = organiser_client.get(awards_url).content.decode()
    assert alice.masked_phone in masked and "mot.a@example.vn" not in masked
    assert not AuditLogEntry.objects.filter(action="personal_data_view").exists()

    organiser.groups.add(Group.objects.get(name=PERSONAL_DATA_GROUP))
    full = organiser_client.get(awards_url).content.decode()
    assert alice.user.phone_display in full and "mot.a@example.vn" in full
    seen = AuditLogEntry.objects.get(action="personal_data_view")
    assert seen.actor == organiser and seen.details["ids"] == [alice.pk]
    rows = _winners(organiser_client)
    assert rows[1][4:7] == (alice.user.phone_display, "mot.a@example.vn", "038190001234")
    exported = AuditLogEntry.objects.get(action="export_winners")
    assert exported.details["full_personal_data"] is True


def test_organiser_sees_every_unit_and_the_dashboard(organiser_client, world):
    report = organiser_client.get(reverse("leaderboard:report") + "?cuoc_thi=cuoc-thi")
    assert report.status_code == 200
    assert "Phòng Hai" in report.content.decode()
    dashboard = organiser_client.get(reverse("leaderboard:dashboard") + "?cuoc_thi=cuoc-thi")
    assert dashboard.status_code == 200
    page = dashboard.content.decode()
    assert 'id="chart-data"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert "<script>" not in page  # data via json_script only, no inline code
    assert dashboard.context["data"]["target"] == 80.0


def test_public_board_shows_rates_without_personal_data(client, world):
    response = client.get(reverse("leaderboard:public_board") + "?cuoc_thi=cuoc-thi&dot=1")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Phòng Hai" in page
    assert "Trần Thị Một A" not in page
    assert world["people"]["alice"].masked_phone not in page


def test_collective_page_and_export(organiser_client, world):
    world["contest"].collective_min_headcount = 5
    world["contest"].save()
    page = organiser_client.get(reverse("leaderboard:collective") + "?cuoc_thi=cuoc-thi&dot=1")
    assert page.status_code == 200
    response = organiser_client.get(
        reverse("leaderboard:collective_export", args=["csv"]) + "?cuoc_thi=cuoc-thi&dot=1"
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Hạng"
    by_code = {row[1]: row for row in rows[1:]}
    # so (2 of 20 people: 10 %), p1 (8 people) and p2 (10) reach 5 people, all below 50 %.
    assert by_code["p1a"][7].startswith("Dưới 5 người")
    assert by_code["p2"][6] == "Không"


def test_unknown_round_and_format_are_404(organiser_client, world):
    assert organiser_client.get(reverse("leaderboard:report") + "?dot=9").status_code == 404
    url = reverse("leaderboard:participation_export", args=["pdf"])
    assert organiser_client.get(url).status_code == 404


def test_promotion_page_has_banners_qr_and_embed_snippet(client, world):
    response = client.get(reverse("leaderboard:promotion", args=["p2"]) + "?cuoc_thi=cuoc-thi")
    assert response.status_code == 200
    snippet = response.context["embed_snippet"]
    assert f'href="{settings.SITE_URL}/u/p2/"' in snippet
    assert "banner-ngang.png" in snippet


@pytest.mark.parametrize(("kind", "size"), [("ngang", (1200, 300)), ("vuong", (1080, 1080))])
def test_banners_have_the_size_and_a_readable_qr_code(client, world, kind, size):
    response = client.get(reverse("leaderboard:banner", args=["p2", kind]) + "?cuoc_thi=cuoc-thi")
    assert response.status_code == 200
    image = Image.open(io.BytesIO(response.content))
    assert image.size == size
    decoded = [result.text for result in zxingcpp.read_barcodes(image)]
    assert decoded == [settings.SITE_URL + "/u/p2/"]


@pytest.fixture
def eager_celery():
    from contest_site.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_organiser_can_queue_a_refresh_representative_cannot(
    client, organiser, world, eager_celery
):
    from leaderboard.models import ParticipationStat

    ParticipationStat.objects.all().delete()
    url = reverse("operations:report_refresh") + "?cuoc_thi=cuoc-thi"
    representative = UserFactory()
    UnitRepresentative.objects.create(user=representative, unit=world["units"]["p1"])
    client.force_login(representative)
    assert client.post(url).status_code == 403
    assert not ParticipationStat.objects.exists()
    client.force_login(organiser)
    response = client.post(url + "&dot=1")
    assert response.status_code == 302
    assert response["Location"].endswith("?cuoc_thi=cuoc-thi&dot=1")
    assert ParticipationStat.objects.filter(contest=world["contest"]).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Đã gửi yêu cầu tổng hợp lại số liệu lúc" in page


def test_public_board_reads_stored_figures_in_few_queries(
    client, world, django_assert_max_num_queries
):
    for index in range(30):
        UnitFactory(code=f"them-{index}", parent=world["units"]["so"])
    participation_refresh(contest_id=world["contest"].pk)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("leaderboard:public_board") + "?cuoc_thi=cuoc-thi")
    assert response.status_code == 200
    assert response.content.decode().count('class="depth-1"') == 32


def test_unit_people_export_of_everyone_registered(representative_client, world):
    ParticipantFactory(unit=world["units"]["p1"], full_name="Chưa Dự Thi")
    url = reverse("leaderboard:unit_people_export", args=["p1", "xlsx"]) + "?dot=1&tat_ca=1"
    rows = xlsx_rows(representative_client.get(url))
    assert {(row[1], row[6]) for row in rows[1:]} == {("Trần Thị Một A", 1), ("Chưa Dự Thi", 0)}
    entry = AuditLogEntry.objects.get(action="export_unit_people")
    assert entry.details["took_part_only"] is False


pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked_round():
    now = timezone.now()
    round = RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))
    PrizeTierFactory(round=round, name="Giải Nhất", count=1, order=1)
    unit = UnitFactory(name="Phòng Người có công")
    winner = ParticipantFactory(
        full_name="Lê Thị Hoa", unit=unit, user=UserFactory(phone="+84912345678")
    )
    FinishedAttemptFactory(round=round, participant=winner, score=5)
    for index in range(60):
        FinishedAttemptFactory(round=round, score=index % 5, duration_ms=100_000 + index)
    round_rank(round_id=round.pk)
    return round


def test_nothing_of_the_ranking_is_public_before_publication(client, ranked_round):
    page = client.get(reverse("leaderboard:round_results", args=[ranked_round.pk]))
    assert page.status_code == 404
    assert "Lê Thị Hoa" not in page.content.decode()
    assert "chưa được Ban Tổ chức công bố" in page.content.decode()
    index = client.get(reverse("leaderboard:results_index"))
    assert ranked_round.name not in index.content.decode()


def test_published_results_show_winners_masked_with_unit_and_paginate(client, ranked_round):
    round_publish(round_id=ranked_round.pk, actor=None)
    page = client.get(reverse("leaderboard:round_results", args=[ranked_round.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Giải Nhất" in body
    assert "Lê Thị Hoa · 09******78" in body
    assert "0912345678" not in body
    assert "Phòng Người có công" in body
    assert "<td>300,000</td>" in body  # the duration in seconds, to the millisecond
    assert "Trang 1/2" in body
    second = client.get(reverse("leaderboard:round_results", args=[ranked_round.pk]), {"trang": 2})
    assert second.status_code == 200
    assert second.content.decode().count("<tr>") == 1 + 11  # header + the last 11 of 61
    index = client.get(reverse("leaderboard:results_index"))
    assert reverse("leaderboard:round_results", args=[ranked_round.pk]) in index.content.decode()


def test_participant_recognition_has_published_rounds_only(ranked_round):
    winner = ParticipantFactory._meta.model.objects.get(full_name="Lê Thị Hoa")
    assert participant_recognition(user_id=winner.user_id) == {}
    round_publish(round_id=ranked_round.pk, actor=None)
    recognition = participant_recognition(user_id=winner.user_id)
    assert list(recognition) == [ranked_round.pk]
    result = recognition[ranked_round.pk].result
    assert (result.rank, result.score) == (1, 5)


def test_provisional_board_is_read_from_the_cache_and_labelled(client, open_round):
    leader = ParticipantFactory(full_name="Trịnh Văn Nhanh")
    FinishedAttemptFactory(round=open_round, participant=leader, score=5, duration_ms=200_000)
    FinishedAttemptFactory(round=open_round, score=5, duration_ms=300_000)
    url = reverse("leaderboard:provisional_board", args=[open_round.pk])
    before = client.get(url)
    assert before.status_code == 200
    assert "Trịnh Văn Nhanh" not in before.content.decode()  # nothing computed yet
    assert provisional_boards_refresh() == 1
    page = client.get(url)
    body = page.content.decode()
    assert "tạm thời" in body
    assert body.index("Trịnh Văn Nhanh") > 0
    assert "0" + leader.user.phone[3:] not in body


def test_provisional_board_of_a_round_not_open_is_404(client, ranked_round):
    page = client.get(reverse("leaderboard:provisional_board", args=[ranked_round.pk]))
    assert page.status_code == 404
    assert Round.objects.get(pk=ranked_round.pk).state == Round.State.RANKED


def test_home_links_a_published_round_to_its_results(client, ranked_round):
    round_publish(round_id=ranked_round.pk, actor=None)
    page = client.get("/")
    assert reverse("leaderboard:round_results", args=[ranked_round.pk]) in page.content.decode()


def test_results_page_reads_a_fixed_number_of_queries(
    client, ranked_round, django_assert_max_num_queries
):
    round_publish(round_id=ranked_round.pk, actor=None)
    with django_assert_max_num_queries(4):  # round, winners, page count, page rows
        assert (
            client.get(reverse("leaderboard:round_results", args=[ranked_round.pk])).status_code
            == 200
        )


def test_unpublished_results_disappear_again(client, ranked_round):

    round_publish(round_id=ranked_round.pk, actor=None)
    round_unpublish(round_id=ranked_round.pk, actor=None)
    page = client.get(reverse("leaderboard:round_results", args=[ranked_round.pk]))
    assert page.status_code == 404
    assert "Lê Thị Hoa" not in page.content.decode()


def xlsx_cells(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(content)).active.iter_rows())


def test_exports_open_in_excel_as_dates_and_numbers(organiser_client, world):
    """Excel reads moments as local dates (Asia/Ho_Chi_Minh) and durations as seconds."""
    round1 = world["round"]
    attempt = world["attempts"]["alice"]
    attempt.submitted_at = dt.datetime(2024, 10, 7, 2, 15, 30, tzinfo=dt.UTC)  # 09:15:30 local
    attempt.duration_ms = 200_125
    attempt.save()
    RoundResult.objects.create(
        round=round1,
        participant=world["people"]["alice"],
        attempt=attempt,
        score=5,
        duration_ms=attempt.duration_ms,
        submitted_at=attempt.submitted_at,
        rank=1,
    )
    response = organiser_client.get(reverse("leaderboard:ranking_export", args=[round1.pk, "xlsx"]))
    row = xlsx_cells(response)[1]
    duration, submitted = row[7], row[8]
    assert duration.data_type == "n" and duration.value == 200.125
    assert submitted.is_date and submitted.value == dt.datetime(2024, 10, 7, 9, 15, 30)
    assert "DD/MM/YYYY" in submitted.number_format
    disposition = response["Content-Disposition"]
    assert "xep-hang-cuoc-thi-dot-1-20" in disposition

    csv_rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    organiser_client.get(
                        reverse("leaderboard:ranking_export", args=[round1.pk, "csv"])
                    ).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    assert csv_rows[1][7:9] == ["200.125", "07/10/2024 09:15:30"]

    people = xlsx_cells(
        organiser_client.get(
            reverse("leaderboard:unit_people_export", args=["so", "xlsx"]) + "?dot=1"
        )
    )
    by_name = {row[1].value: row for row in people[1:]}
    alice = by_name["Trần Thị Một A"]
    assert alice[5].is_date  # registered
    assert alice[6].value == 1 and alice[6].data_type == "n"
    assert alice[8].is_date and alice[8].value == dt.datetime(2024, 10, 7, 9, 15, 30)


def test_two_people_exports_never_share_a_file_name(organiser_client, world, time_machine):
    url = reverse("leaderboard:unit_people_export", args=["so", "xlsx"])
    time_machine.move_to(dt.datetime(2024, 10, 7, 2, 0, tzinfo=dt.UTC))
    took_part = organiser_client.get(url + "?dot=1")["Content-Disposition"]
    everyone = organiser_client.get(url + "?dot=1&tat_ca=1")["Content-Disposition"]
    whole_contest = organiser_client.get(url)["Content-Disposition"]
    time_machine.move_to(dt.datetime(2024, 10, 7, 2, 1, tzinfo=dt.UTC))
    later = organiser_client.get(url + "?dot=1")["Content-Disposition"]
    assert len({took_part, everyone, whole_contest, later}) == 4
    assert 'filename="nguoi-du-thi-so-cuoc-thi-dot-1-20241007-090000.xlsx"' in took_part
    assert "nguoi-dang-ky-so-cuoc-thi-dot-1-" in everyone


def test_report_and_dashboard_have_a_contest_picker_with_last_years_contest(
    organiser_client, world
):
    ContestFactory(slug="cuoc-thi-2023", name="Cuộc thi năm 2023", is_active=False)
    for name in ("leaderboard:report", "leaderboard:dashboard"):
        page = organiser_client.get(reverse(name) + "?cuoc_thi=cuoc-thi").content.decode()
        assert '<select id="contest-picker" name="cuoc_thi">' in page
        assert '<option value="cuoc-thi" selected>' in page
        assert '<option value="cuoc-thi-2023">Cuộc thi năm 2023</option>' in page
        picked = organiser_client.get(reverse(name) + "?cuoc_thi=cuoc-thi-2023")
        assert picked.status_code == 200
        assert '<option value="cuoc-thi-2023" selected>' in picked.content.decode()
    # A unit sees the contests that run, not the organisers' archive.
    representative = UserFactory()
    UnitRepresentative.objects.create(user=representative, unit=world["units"]["p1"])
    organiser_client.force_login(representative)
    page = organiser_client.get(reverse("leaderboard:report")).content.decode()
    assert "cuoc-thi-2023" not in page


def test_a_unit_representatives_menu_links_to_their_report(client, world):
    user = UserFactory()
    client.force_login(user)
    report_url = reverse("leaderboard:report")
    assert f'href="{report_url}"' not in client.get("/").content.decode()
    UnitRepresentative.objects.create(user=user, unit=world["units"]["p1"])
    page = client.get("/").content.decode()
    assert f'<a href="{report_url}">Báo cáo của đơn vị tôi</a>' in page
