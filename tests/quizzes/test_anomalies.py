import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from participants.services import ORGANISER_GROUP
from quizzes.anomalies import attempts_from_crowded_ips, attempts_implausibly_fast
from quizzes.models import Attempt
from tests.factories import ParticipantFactory, UserFactory

T0 = timezone.now() - dt.timedelta(hours=2)


def _finished(round, *, participant=None, minutes=0, duration_ms=300_000, score=15, ip=None):
    started = T0 + dt.timedelta(minutes=minutes)
    return Attempt.objects.create(
        participant=participant or ParticipantFactory(),
        round=round,
        number=1,
        state=Attempt.State.SUBMITTED,
        started_at=started,
        deadline=started + dt.timedelta(minutes=20),
        submitted_at=started + dt.timedelta(milliseconds=duration_ms),
        question_count=20,
        score=score,
        duration_ms=duration_ms,
        client_ip=ip,
    )


@pytest.mark.django_db
def test_fast_high_scores_are_flagged_but_fast_low_scores_are_not(open_round):
    bot = _finished(open_round, duration_ms=20 * 1500, score=20)
    _finished(open_round, duration_ms=20 * 1500, score=3)  # clicked through: no advantage
    _finished(open_round, duration_ms=20 * 9000, score=20)  # quick but humanly possible
    assert list(attempts_implausibly_fast(round_id=open_round.pk)) == [bot]


@pytest.mark.django_db
def test_many_people_from_one_ip_within_the_window_are_flagged(open_round):
    crowded = [_finished(open_round, minutes=i * 5, ip="203.0.113.7") for i in range(5)]
    _finished(open_round, minutes=300, ip="203.0.113.7")  # hours later: not in anyone's window
    for i in range(4):
        _finished(open_round, minutes=i, ip="198.51.100.1")  # four people: below the threshold
    flagged = set(attempts_from_crowded_ips(round_id=open_round.pk))
    assert flagged == set(crowded)


@pytest.mark.django_db
def test_organisers_filter_attempts_by_anomaly_in_admin(client, open_round):
    bot = _finished(open_round, duration_ms=10_000, score=20)
    honest = _finished(open_round)
    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    client.force_login(organiser)
    page = client.get(reverse("admin:quizzes_attempt_changelist") + "?bat_thuong=nhanh")
    assert page.status_code == 200
    shown = {a.pk for a in page.context["cl"].result_list}
    assert bot.pk in shown and honest.pk not in shown
