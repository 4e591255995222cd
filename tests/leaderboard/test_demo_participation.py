"""seed_demo leaves the Thanh Hóa contest with participation figures, once."""

import pytest
from django.core.management import call_command

from leaderboard.access import report_unit_ids
from leaderboard.demo_participation import DEMO_REPRESENTATIVE_PHONE, DEMO_REPRESENTATIVE_UNIT
from leaderboard.models import ActivityStat, ParticipationStat
from participants.models import Unit, User
from participants.phones import normalize_phone
from quizzes.models import Attempt
from rounds.demo import THANH_HOA_SLUG


@pytest.mark.django_db
def test_demo_has_participation_statistics_and_a_representative():
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
