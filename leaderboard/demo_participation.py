"""Demo participation for seed_demo: a unit representative account and the stored statistics
of the demo history (operations/demo.py), so the reports, dashboard and boards have something
to show. Idempotent."""

from django.db import transaction

from participants.demo import DEMO_PASSWORD
from participants.models import Participant, Unit, UnitRepresentative, User
from participants.phones import normalize_phone

from .statistics import participation_refresh_all

DEMO_REPRESENTATIVE_PHONE = "0922222222"
DEMO_REPRESENTATIVE_UNIT = "tt-dvvl"


def _demo_representative_seed() -> User:
    phone = normalize_phone(DEMO_REPRESENTATIVE_PHONE)
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User.objects.create_user(phone, password=DEMO_PASSWORD)
    unit = Unit.objects.get(code=DEMO_REPRESENTATIVE_UNIT)
    Participant.objects.get_or_create(
        user=user,
        defaults={"full_name": "Phạm Thị Đầu Mối", "unit": unit, "gender": "female"},
    )
    UnitRepresentative.objects.get_or_create(user=user, unit=unit)
    return user


@transaction.atomic
def demo_participation_seed() -> None:
    """The demo unit representative, then the stored statistics of the demo history."""
    _demo_representative_seed()
    participation_refresh_all()
