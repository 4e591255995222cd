"""The autosave takes the shorter middleware stack (core.lean): what a JSON endpoint needs
(sessions, CSRF, authentication, language, security) and nothing else."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string

from core.lean import LeanPathsMiddleware
from quizzes.selectors import choice_token

pytestmark = pytest.mark.django_db


def _save(client, attempt, **extra):
    row = attempt.answers.order_by("position").first()
    token = choice_token(attempt_id=attempt.pk, choice_id=row.choice_order[0])
    return client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps({"question": row.question_id, "choices": [token], "seq": 1}),
        content_type="application/json",
        **extra,
    )


def test_the_autosave_url_is_a_lean_path():
    middleware = LeanPathsMiddleware(lambda request: None)

    match, fast = middleware.route(reverse("quizzes:save", args=[12345]))
    assert match.groupdict() == {"attempt_id": "12345"}
    assert fast.__name__ == "answer_save_fast"
    assert middleware.route(reverse("quizzes:attempt", args=[12345])) is None
    assert middleware.route(reverse("quizzes:save", args=[12345]) + "x") is None


def test_the_lean_stack_is_a_part_of_the_full_one_in_the_same_order():
    """Each lean middleware is one of the full stack, or a subclass of it (a JSON variant)."""
    full = [import_string(path) for path in settings.MIDDLEWARE]
    positions = []
    for path in settings.LEAN_MIDDLEWARE:
        lean = import_string(path)
        matches = [
            i for i, cls in enumerate(full) if isinstance(cls, type) and issubclass(lean, cls)
        ]
        assert matches, path
        positions.append(matches[-1])

    assert positions == sorted(positions)


def test_a_save_skips_the_page_middleware_and_keeps_session_and_login(
    client, participant, attempt_in_progress
):
    client.force_login(participant.user)

    save = _save(client, attempt_in_progress)
    page = client.get(reverse("quizzes:attempt", args=[attempt_in_progress.pk]))

    assert save.status_code == 200 and save.json()["saved"] is True
    assert "Content-Security-Policy" in page and "X-Frame-Options" in page
    assert "Content-Security-Policy" not in save and "X-Frame-Options" not in save
    assert save["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware still runs
    assert save["X-Request-ID"]  # and the request id, before the split


def test_a_save_still_needs_the_csrf_token(participant, attempt_in_progress):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant.user)

    response = _save(client, attempt_in_progress)

    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")


def test_a_save_without_login_is_refused_in_json(client, attempt_in_progress):
    response = _save(client, attempt_in_progress)

    assert response.status_code == 401 and response.json()["code"] == "not_logged_in"


@pytest.fixture
def english_reader():
    """The language a request activates stays active in the thread afterwards (Django does
    not deactivate it): put Vietnamese back for the tests that follow."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_a_save_answers_in_the_chosen_language(
    english_reader, client, participant, attempt_in_progress
):
    client.force_login(participant.user)
    client.cookies["django_language"] = "en"
    row = attempt_in_progress.answers.order_by("position").first()

    response = client.post(
        reverse("quizzes:save", args=[attempt_in_progress.pk]),
        data=json.dumps({"question": row.question_id, "choices": ["0" * 16], "seq": 1}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"] == "The option does not belong to this question."
