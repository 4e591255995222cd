"""Start, autosave and submit are rate-limited per user and per IP: a 429 with a Vietnamese
message (JSON for the autosave), and one person's burst does not hold back anyone else."""

import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from core.ratelimit import wait_text
from quizzes.models import Attempt, AttemptAnswer
from quizzes.services import attempt_start
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _save(client, attempt, seq, **extra):
    row = attempt.answers.order_by("position").first()
    return client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps({"question": row.question_id, "choices": [], "seq": seq}),
        content_type="application/json",
        **extra,
    )


@override_settings(RATE_LIMITS={"answer_save": "3/m/user,1000/m/ip"})
def test_save_over_the_user_limit_is_429_json_in_vietnamese(client, attempt_in_progress):
    client.force_login(attempt_in_progress.participant.user)
    codes = [_save(client, attempt_in_progress, seq).status_code for seq in range(1, 5)]
    assert codes == [200, 200, 200, 429]
    refused = _save(client, attempt_in_progress, 9)
    assert refused["Content-Type"] == "application/json"
    body = refused.json()
    assert body["code"] == "rate_limited"
    assert 1 <= body["retry_after"] <= 61
    assert (
        body["error"]
        == f"Bạn thao tác quá nhanh. Vui lòng thử lại sau {wait_text(body['retry_after'])}."
    )
    # A refused save changed nothing: the last accepted one (seq 3) is what is stored.
    assert AttemptAnswer.objects.filter(attempt=attempt_in_progress, seq__gt=3).count() == 0

    other = ParticipantFactory()
    other_attempt = attempt_start(participant=other, round=attempt_in_progress.round).attempt
    other_client = Client()
    other_client.force_login(other.user)
    assert _save(other_client, other_attempt, 1).status_code == 200


@override_settings(RATE_LIMITS={"answer_save": "100/m/user,2/m/ip"})
def test_save_over_the_ip_limit_refuses_that_address_only(client, attempt_in_progress):
    client.force_login(attempt_in_progress.participant.user)
    codes = [
        _save(client, attempt_in_progress, seq, REMOTE_ADDR="10.0.0.1").status_code
        for seq in range(1, 4)
    ]
    assert codes == [200, 200, 429]
    assert _save(client, attempt_in_progress, 4, REMOTE_ADDR="10.0.0.2").status_code == 200


@override_settings(RATE_LIMITS={"answer_save": "1/m/user"})
def test_save_limit_answers_json_even_without_a_json_content_type(client, attempt_in_progress):
    client.force_login(attempt_in_progress.participant.user)
    url = reverse("quizzes:save", args=[attempt_in_progress.pk])
    client.post(url, data="x", content_type="text/plain")
    refused = client.post(url, data="x", content_type="text/plain")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"


@override_settings(RATE_LIMITS={"attempt_start": "2/m/user,1000/m/ip"})
def test_start_over_the_limit_is_a_429_page(client, participant, open_round):
    client.force_login(participant.user)
    url = reverse("quizzes:start", args=[open_round.pk])
    codes = [client.post(url).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    page = client.post(url)
    assert page["Content-Type"].startswith("text/html")
    assert "quá nhanh" in page.content.decode()
    assert Attempt.objects.filter(participant=participant).count() == 1

    other = ParticipantFactory()
    other_client = Client()
    other_client.force_login(other.user)
    assert other_client.post(url).status_code == 302


@override_settings(RATE_LIMITS={"attempt_submit": "1/m/user,1000/m/ip"})
def test_submit_over_the_limit_is_a_429_page(client, attempt_in_progress):
    client.force_login(attempt_in_progress.participant.user)
    url = reverse("quizzes:submit", args=[attempt_in_progress.pk])
    assert client.post(url).status_code == 302
    refused = client.post(url)
    assert refused.status_code == 429
    assert "Vui lòng thử lại sau" in refused.content.decode()

    other = ParticipantFactory()
    other_attempt = attempt_start(participant=other, round=attempt_in_progress.round).attempt
    other_client = Client()
    other_client.force_login(other.user)
    assert other_client.post(reverse("quizzes:submit", args=[other_attempt.pk])).status_code == 302
