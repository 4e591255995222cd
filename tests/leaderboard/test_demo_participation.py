"""seed_demo leaves the Thanh Hóa contest with participation figures, once."""

import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from leaderboard.access import report_unit_ids
from leaderboard.demo_participation import (
    DEMO_REPRESENTATIVE_PHONE,
    DEMO_REPRESENTATIVE_UNIT,
    _demo_representative_seed,
)
from leaderboard.models import ActivityStat, OfficialReportSettings, ParticipationStat
from participants.demo import (
    DEMO_ORGANISER_PHONE,
    DEMO_PARTICIPANT_PHONE,
    DEMO_PASSWORD,
    demo_accounts_seed,
    demo_units_seed,
)
from participants.models import Unit, User
from participants.phones import normalize_phone
from quizzes.models import Attempt
from rounds.demo import THANH_HOA_SLUG
from tests.factories import RoundFactory


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


@pytest.mark.django_db
def test_every_demo_login_of_the_readme_works_as_typed_without_an_sms_code(client):
    """The README's three logins (and make run's banner) open their pages at once: the unit
    representative's account is verified like the others (its SMS code was only in the log)."""
    demo_units_seed()
    demo_accounts_seed()
    _demo_representative_seed()
    RoundFactory()  # a current contest, for the representative's report
    readme = (settings.BASE_DIR / "README.md").read_text()
    for phone, landing in (
        (DEMO_ORGANISER_PHONE, "/"),
        (DEMO_PARTICIPANT_PHONE, "/"),
        (DEMO_REPRESENTATIVE_PHONE, "/bao-cao/"),
    ):
        assert f"| `{phone}` | `{DEMO_PASSWORD}` |" in readme
        client.logout()
        response = client.post(
            reverse("account_login") + f"?next={landing}",
            {"login": f"{phone[:4]} {phone[4:7]} {phone[7:]}", "password": DEMO_PASSWORD},
        )
        assert response.status_code == 302 and response["Location"] == landing, phone
        assert client.get(landing).status_code == 200


def test_make_run_prints_the_three_logins_and_a_unit_link_of_the_demo():
    out = io.StringIO()
    call_command("seed_demo", "--banner", stdout=out)
    banner = out.getvalue()
    for phone in (DEMO_ORGANISER_PHONE, DEMO_PARTICIPANT_PHONE, DEMO_REPRESENTATIVE_PHONE):
        assert f"{phone} / {DEMO_PASSWORD}" in banner
    assert f"{settings.SITE_URL}/admin/" in banner
    assert f"{settings.SITE_URL}/u/{DEMO_REPRESENTATIVE_UNIT}/" in banner
    script = (settings.BASE_DIR / "scripts" / "run-dev.sh").read_text()
    assert "manage.py seed_demo --banner" in script
