"""Redis down on the participant's path, end to end: with the cache (and so the cached_db
sessions, the rate limits, the cached question contents and save contexts) pointed at an
address where nothing listens, a signed-in participant loads the quiz, saves an answer that
lands in PostgreSQL and submits; no 500 anywhere, and /healthz says the cache is degraded."""

import json
import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from core import cache as resilient_cache
from quizzes.models import Attempt, AttemptAnswer
from quizzes.selectors import choice_token, question_contents
from tests.core.test_cache import UNREACHABLE

pytestmark = pytest.mark.django_db


@override_settings(CACHES=UNREACHABLE)
def test_participant_path_works_on_postgresql_alone(client, participant, open_round, caplog):
    resilient_cache._last_warning = 0.0
    client.force_login(participant.user)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        home = client.get("/")
        assert home.status_code == 200

        started = client.post(reverse("quizzes:start", args=[open_round.pk]))
        assert started.status_code == 302
        attempt = Attempt.objects.get(participant=participant)

        page = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
        assert page.status_code == 200
        row = attempt.answers.order_by("position").first()
        content = question_contents(question_ids=[row.question_id])[row.question_id]
        tokens = [choice_token(attempt_id=attempt.pk, choice_id=c) for c in content.correct_ids]
        saved = client.post(
            reverse("quizzes:save", args=[attempt.pk]),
            data=json.dumps({"question": row.question_id, "choices": tokens, "seq": 1}),
            content_type="application/json",
        )
        assert saved.status_code == 200 and saved.json()["saved"] is True
        stored = AttemptAnswer.objects.get(pk=row.pk)
        assert stored.selected == sorted(content.correct_ids) and stored.seq == 1

        submitted = client.post(reverse("quizzes:submit", args=[attempt.pk]))
        assert submitted.status_code == 302
        result = client.get(submitted.url)
        assert result.status_code == 200

        health = client.get(reverse("operations:healthz"))
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.score >= 1
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert "Cache unavailable" in caplog.text
