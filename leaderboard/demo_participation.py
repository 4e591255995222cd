"""Demo participation for seed_demo: a unit representative account, the stored statistics
of the demo history (operations/demo.py), so the reports, dashboard and boards have something
to show, and the Thanh Hóa contest's document settings (the defaults, editable in admin).
Idempotent."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from participants.demo import DEMO_ORGANISER_PHONE, DEMO_PARTICIPANT_PHONE, DEMO_PASSWORD
from participants.models import Participant, Unit, UnitRepresentative, User
from participants.phones import normalize_phone
from rounds.demo import THANH_HOA_SLUG
from rounds.models import Contest

from .models import OfficialReportSettings
from .statistics import participation_refresh_all

DEMO_REPRESENTATIVE_PHONE = "0922222222"
DEMO_REPRESENTATIVE_UNIT = "tt-dvvl"


def _demo_representative_seed() -> User:
    phone = normalize_phone(DEMO_REPRESENTATIVE_PHONE)
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User.objects.create_user(phone, password=DEMO_PASSWORD)
    # Verified, like the other demo accounts: the README's login works without an SMS code.
    user.phone_verified = True
    user.save(update_fields=["phone_verified"])
    unit = Unit.objects.get(code=DEMO_REPRESENTATIVE_UNIT)
    Participant.objects.get_or_create(
        user=user,
        defaults={"full_name": "Phạm Thị Đầu Mối", "unit": unit, "gender": "female"},
    )
    UnitRepresentative.objects.get_or_create(user=user, unit=unit)
    return user


@transaction.atomic
def demo_participation_seed() -> None:
    """The demo unit representative, the stored statistics of the demo history, the
    official documents' settings."""
    _demo_representative_seed()
    participation_refresh_all()
    contest = Contest.objects.filter(slug=THANH_HOA_SLUG).first()
    if contest is not None:
        OfficialReportSettings.objects.get_or_create(contest=contest)


def demo_banner(*, site_url: str | None = None) -> str:
    """What `make run` prints once it serves: the addresses, the three demo logins (all
    verified: no SMS code needed) and a unit's short link to try."""
    site_url = (site_url or settings.SITE_URL).rstrip("/")
    unit_link = site_url + reverse("participants:unit_link", args=[DEMO_REPRESENTATIVE_UNIT])
    lines = [
        f"  Cuộc thi trực tuyến đang chạy tại  {site_url}/",
        f"  Trang quản trị (Ban Tổ chức):       {site_url}/admin/",
        f"  Tài khoản Ban Tổ chức:       {DEMO_ORGANISER_PHONE} / {DEMO_PASSWORD}",
        f"  Tài khoản thí sinh:          {DEMO_PARTICIPANT_PHONE} / {DEMO_PASSWORD}",
        f"  Tài khoản đầu mối đơn vị:    {DEMO_REPRESENTATIVE_PHONE} / {DEMO_PASSWORD}"
        f"  (báo cáo: {site_url}/bao-cao/)",
        f"  Đường dẫn của một đơn vị:    {unit_link}",
    ]
    return "\n".join(lines)
