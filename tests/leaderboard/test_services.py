import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from leaderboard.models import Award, RoundResult
from leaderboard.services import round_rank
from participants.models import AuditLogEntry  # noqa: F401
from rounds.models import Round
from tests.factories import (
    FinishedAttemptFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_round():
    now = timezone.now()
    return RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))


def _finished(round, **kwargs):
    return FinishedAttemptFactory(round=round, **kwargs)


def _ranking(round):
    return [
        (r.participant_id, r.rank)
        for r in RoundResult.objects.filter(round=round).order_by("rank", "participant_id")
    ]


def _results_hash(round) -> str:
    rows = RoundResult.objects.filter(round=round).order_by("participant_id")
    text = "|".join(
        f"{r.participant_id},{r.attempt_id},{r.score},{r.prediction},{r.prediction_error},"
        f"{r.duration_ms},{r.submitted_at.isoformat()},{r.rank}"
        for r in rows
    )
    awards = Award.objects.filter(round=round).order_by("participant_id")
    text += "#" + "|".join(f"{a.participant_id},{a.tier_id},{a.needs_decision}" for a in awards)
    return hashlib.sha256(text.encode()).hexdigest()


def test_score_ranks_first(ended_round):
    low = _finished(ended_round, score=3)
    high = _finished(ended_round, score=5)
    summary = round_rank(round_id=ended_round.pk)
    assert summary.results == 2
    assert _ranking(ended_round) == [(high.participant_id, 1), (low.participant_id, 2)]
    ended_round.refresh_from_db()
    assert ended_round.state == Round.State.RANKED
    assert ended_round.prediction_actual == 1
