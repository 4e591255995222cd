"""seed_demo leaves the Thanh Hóa contest with participation figures, once."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from leaderboard.access import report_unit_ids
from leaderboard.demo_participation import DEMO_REPRESENTATIVE_PHONE, DEMO_REPRESENTATIVE_UNIT
from leaderboard.models import ActivityStat, OfficialReportSettings, ParticipationStat
from participants.models import Unit, User
from participants.phones import normalize_phone
from quizzes.models import Attempt
from rounds.demo import THANH_HOA_SLUG


@pytest.mark.django_db
def test_demo_has_participation_statistics_and_a_representative(client):
    call_command("seed_demo")
    attempts = Attempt.objects.count()
    assert attempts > 500
    call_command("seed_demo")
    assert Attempt.objects.count() == attempts
    root = ParticipationStat.objects.get(
        contest__slug=THANH_HOA_SLUG, round=None, unit__code="so-ldtbxh"
    )
    assert 0 < root.participants_total <= root.headcount_total
    assert ActivityStat.objects.filter(contest__slug=THANH_HOA_SLUG, period="hour").exists()
    representative = User.objects.get(phone=normalize_phone(DEMO_REPRESENTATIVE_PHONE))
    visible = report_unit_ids(user=representative)
    expected = set(
        Unit.objects.filter(code__startswith=DEMO_REPRESENTATIVE_UNIT).values_list("pk", flat=True)
    )
    assert visible == expected
    # The README's representative logs in without an SMS code and gets the unit's report
    # for Đợt 1 with the figures /bao-cao/ shows.
    assert representative.phone_verified
    assert OfficialReportSettings.objects.filter(contest__slug=THANH_HOA_SLUG).exists()
    client.force_login(representative)
    unit_stat = ParticipationStat.objects.get(
        contest__slug=THANH_HOA_SLUG, round__number=1, unit__code=DEMO_REPRESENTATIVE_UNIT
    )
    url = reverse("leaderboard:unit_document", args=[DEMO_REPRESENTATIVE_UNIT, "pdf"])
    response = client.get(url + f"?cuoc_thi={THANH_HOA_SLUG}&dot=1")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text.replace("\xa0", " "))
    assert (
        f"theo chỉ tiêu: {unit_stat.headcount_total} người; đã đăng ký tài khoản dự thi: "
        f"{unit_stat.registered_total} người; đã dự thi: {unit_stat.participants_total} người "
        f"với {unit_stat.attempts_total} lượt thi"
    ) in text
