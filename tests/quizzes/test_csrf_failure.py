"""A CSRF failure (the token rotated by a login in another tab) is never Django's English
"Forbidden (403)": the autosave gets JSON {error, code, csrfToken} and succeeds when it sends
the same answer again with that token; a form gets a Vietnamese page leading back."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.selectors import attempt_questions


@pytest.fixture
def csrf_client(participant):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant.user)
    client.get("/")  # the CSRF cookie
    return client


def _save_body(attempt) -> str:
    question = attempt_questions(attempt=attempt)[0]
    return json.dumps(
        {"question": question.question_id, "choices": [question.options[0].token], "seq": 1}
    )


@pytest.mark.django_db
def test_autosave_with_a_stale_token_gets_json_with_a_fresh_token_and_the_retry_saves(
    csrf_client, attempt_in_progress
):
    url = reverse("quizzes:save", args=[attempt_in_progress.pk])
    body = _save_body(attempt_in_progress)
    stale = "x" * 64
    refused = csrf_client.post(
        url,
        body,
        content_type="application/json",
        headers={"X-CSRFToken": stale, "X-Requested-With": "XMLHttpRequest"},
    )
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/json")
    data = refused.json()
    assert data["code"] == "csrf_failed" and "tải lại trang" in data["error"]
    retried = csrf_client.post(
        url,
        body,
        content_type="application/json",
        headers={"X-CSRFToken": data["csrfToken"], "X-Requested-With": "XMLHttpRequest"},
    )
    assert retried.status_code == 200 and retried.json()["saved"] is True
    assert attempt_in_progress.answers.exclude(selected=[]).count() == 1


@pytest.mark.django_db
def test_a_form_with_a_stale_token_gets_a_vietnamese_page_back_to_where_it_was(
    csrf_client, attempt_in_progress
):
    quiz_url = "http://testserver" + reverse("quizzes:attempt", args=[attempt_in_progress.pk])
    response = csrf_client.post(
        reverse("quizzes:submit", args=[attempt_in_progress.pk]),
        {"csrfmiddlewaretoken": "x" * 64},
        headers={"Referer": quiz_url},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Chưa thực hiện được thao tác" in html and "Forbidden" not in html
    assert f'href="{quiz_url}"' in html
    attempt_in_progress.refresh_from_db()
    assert not attempt_in_progress.is_finished
    # A link elsewhere is never offered as the way back.
    elsewhere = csrf_client.post(
        reverse("account_logout"),
        {"csrfmiddlewaretoken": "x" * 64},
        headers={"Referer": "https://evil.example/"},
    )
    assert elsewhere.status_code == 403 and "evil.example" not in elsewhere.content.decode()
