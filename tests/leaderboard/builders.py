"""Small builders for finished attempts and stored results, shared by the leaderboard tests."""

import datetime as dt

from quizzes.models import Attempt


def finished_attempt(*, participant, round, number=1, score=5, started_at=None, seconds=300):
    started_at = started_at or round.starts_at + dt.timedelta(hours=1)
    submitted_at = started_at + dt.timedelta(seconds=seconds)
    return Attempt.objects.create(
        participant=participant,
        round=round,
        number=number,
        state=Attempt.State.SUBMITTED,
        started_at=started_at,
        deadline=started_at + dt.timedelta(minutes=20),
        submitted_at=submitted_at,
        question_count=5,
        score=score,
        duration_ms=seconds * 1000,
    )
