"""A participant's own rank and tie-break values on their history page, once published."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from operations.pipeline import round_rank
from rounds.services import round_publish
from tests.factories import FinishedAttemptFactory, ParticipantFactory, RoundFactory


@pytest.fixture
def closed_round(db):
    now = timezone.now()
    return RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))


@pytest.mark.django_db
def test_history_shows_the_rank_only_after_publication(client, closed_round):
    me = ParticipantFactory()
    FinishedAttemptFactory(participant=me, round=closed_round, score=4, prediction=7)
    FinishedAttemptFactory(round=closed_round, score=5)  # someone better: I am second
    client.force_login(me.user)
    round_rank(round_id=closed_round.pk)
    page = client.get(reverse("operations:history")).content.decode()
    assert "Hạng của bạn" not in page  # ranked, not yet published

    round_publish(round_id=closed_round.pk, actor=None)
    page = client.get(reverse("operations:history")).content.decode()
    assert "Hạng của bạn: <strong>2</strong>" in page
    assert "4 điểm" in page
    assert "đáp án 1, lệch 6" in page  # one full mark (the other person): |7 − 1| = 6
