"""An attempt bound to the session that started it (contest.bind_attempt_to_session): another
session is refused clearly; an organiser's unlock clears the binding and is logged."""

import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from core.models import AuditLogEntry
from participants.services import ORGANISER_GROUP
from quizzes.models import Attempt, AttemptAnswer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def binding_round(open_round):
    open_round.contest.bind_attempt_to_session = True
    open_round.contest.save(update_fields=["bind_attempt_to_session"])
    return open_round


def _logged_in(participant) -> Client:
    client = Client()
    client.force_login(participant.user)
    return client


def _start(client, round) -> Attempt:
    response = client.post(reverse("quizzes:start", args=[round.pk]))
    assert response.status_code == 302
    return Attempt.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def _save(client, attempt, seq):
    row = attempt.answers.order_by("position").first()
    return client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps({"question": row.question_id, "choices": [], "seq": seq}),
        content_type="application/json",
    )


def test_the_starting_session_keeps_working(participant, binding_round):
    first = _logged_in(participant)
    attempt = _start(first, binding_round)
    assert attempt.session_key == first.session.session_key
    assert first.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 200
    assert _save(first, attempt, 1).status_code == 200
    assert first.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 302


def test_another_session_is_refused_everywhere(participant, binding_round):
    first = _logged_in(participant)
    attempt = _start(first, binding_round)
    second = _logged_in(participant)  # the same account on another device

    page = second.get(reverse("quizzes:attempt", args=[attempt.pk]))
    assert page.status_code == 403
    assert "liên hệ Ban Tổ chức" in page.content.decode()

    saved = _save(second, attempt, 5)
    assert saved.status_code == 403
    assert saved.json()["code"] == "session_mismatch"
    assert "liên hệ Ban Tổ chức" in saved.json()["error"]
    assert not AttemptAnswer.objects.filter(attempt=attempt, seq=5).exists()

    submitted = second.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert submitted.status_code == 403
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS

    # Starting again from the other device resumes the same attempt, and is refused there.
    resumed = second.post(reverse("quizzes:start", args=[binding_round.pk]), follow=True)
    assert resumed.status_code == 403
    assert Attempt.objects.filter(participant=participant).count() == 1


def test_without_the_setting_any_session_of_the_account_may_continue(participant, open_round):
    first = _logged_in(participant)
    attempt = _start(first, open_round)
    second = _logged_in(participant)
    assert second.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 200
    assert _save(second, attempt, 1).status_code == 200


def test_organiser_unlock_clears_the_binding_and_is_logged(client, participant, binding_round):
    first = _logged_in(participant)
    attempt = _start(first, binding_round)
    second = _logged_in(participant)
    assert _save(second, attempt, 1).status_code == 403  # caches the bound context

    organiser = UserFactory(is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    client.force_login(organiser)
    response = client.post(
        reverse("admin:quizzes_attempt_changelist"),
        {"action": "unlock_session", "_selected_action": [attempt.pk]},
        follow=True,
    )
    assert "Đã mở khóa 1 lượt thi" in response.content.decode()
    entry = AuditLogEntry.objects.get(action="attempt_session_unlock")
    assert entry.actor == organiser and entry.target_id == str(attempt.pk)

    # The next session that opens the attempt takes it over; the old one is now refused.
    assert second.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 200
    assert _save(second, attempt, 2).status_code == 200
    attempt.refresh_from_db()
    assert attempt.session_key == second.session.session_key
    assert first.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 403
