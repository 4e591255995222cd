"""The autosave's usual case is answered ahead of the middleware (quizzes.views.answer_save_fast,
core.lean): a well-formed save with a valid pass of a session the cache vouches for. Anything
else goes to the view, with nothing written before, and is answered as before."""

import json
import re
from datetime import timedelta

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from quizzes.models import Attempt, AttemptAnswer
from quizzes.selectors import choice_token, question_contents
from quizzes.services import attempt_start, attempt_submit
from quizzes.views import answer_save_fast
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def _page_pass(client, attempt) -> str:
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    config = json.loads(re.search(r'id="quiz-config"[^>]*>(.*?)</script>', html, re.S).group(1))
    return config["savePass"]


def _body(attempt, *, seq, position=0, token=None, **changes) -> dict:
    row = attempt.answers.order_by("position")[position]
    content = question_contents(question_ids=[row.question_id])[row.question_id]
    token = token or choice_token(attempt_id=attempt.pk, choice_id=min(content.choices))
    return {"question": row.question_id, "choices": [token], "seq": seq, **changes}


def _request(attempt, body, *, session_key: str, save_pass: str | None, raw: bytes | None = None):
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"}
    if save_pass is not None:
        headers["X-Attempt-Pass"] = save_pass
    return RequestFactory().post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=raw if raw is not None else json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def player(client, participant, attempt_in_progress):
    """Signed in, the quiz page loaded and one save made: Django's check of that first save
    leaves the account's session hash in the cache, by which later saves are vouched for."""
    client.force_login(participant.user)
    client.post(
        reverse("quizzes:save", args=[attempt_in_progress.pk]),
        data=json.dumps(_body(attempt_in_progress, seq=1, position=1)),
        content_type="application/json",
    )
    return client


def _stored(attempt) -> list[tuple]:
    return list(
        AttemptAnswer.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("selected", "seq", "saved_at")
    )


def test_a_usual_save_is_answered_by_the_fast_handler(player, attempt_in_progress):
    save_pass = _page_pass(player, attempt_in_progress)
    session_key = player.session.session_key

    response = answer_save_fast(
        _request(attempt_in_progress, _body(attempt_in_progress, seq=5), session_key=session_key,
                 save_pass=save_pass),
        attempt_id=attempt_in_progress.pk,
    )  # fmt: skip
    stale = answer_save_fast(
        _request(attempt_in_progress, _body(attempt_in_progress, seq=4), session_key=session_key,
                 save_pass=save_pass),
        attempt_id=attempt_in_progress.pk,
    )  # fmt: skip

    assert response.status_code == 200
    assert json.loads(response.content) == {"ok": True, "saved": True, "seq": 5}
    assert json.loads(stale.content) == {"ok": True, "saved": False, "seq": 4}
    row = attempt_in_progress.answers.order_by("position")[0]
    row.refresh_from_db()
    assert row.seq == 5 and row.selected


@pytest.mark.parametrize(
    "case",
    ["no pass", "forged pass", "another session", "bad body", "foreign option", "finished",
     "deadline passed", "other attempt id"],
)  # fmt: skip
def test_anything_unusual_goes_to_the_view_with_nothing_written(
    player, participant, attempt_in_progress, case
):
    save_pass = _page_pass(player, attempt_in_progress)
    session_key = player.session.session_key
    body, raw, attempt_id = _body(attempt_in_progress, seq=7), None, attempt_in_progress.pk
    if case == "no pass":
        save_pass = None
    elif case == "forged pass":
        save_pass = save_pass[:-1] + ("0" if save_pass[-1] != "0" else "1")
    elif case == "another session":
        other = Client()
        other.force_login(participant.user)
        session_key = other.session.session_key
    elif case == "bad body":
        raw = b'{"question": 1, "choices": "x", "seq": 7}'
    elif case == "foreign option":
        body = _body(attempt_in_progress, seq=7, token="0" * 16)
    elif case == "finished":
        attempt_submit(participant_id=participant.pk, attempt_id=attempt_in_progress.pk)
    elif case == "deadline passed":
        now = timezone.now()
        Attempt.objects.filter(pk=attempt_in_progress.pk).update(
            started_at=now - timedelta(minutes=30), deadline=now - timedelta(minutes=5)
        )
    elif case == "other attempt id":
        attempt_id = attempt_in_progress.pk + 1
    before = _stored(attempt_in_progress)

    response = answer_save_fast(
        _request(attempt_in_progress, body, session_key=session_key, save_pass=save_pass, raw=raw),
        attempt_id=attempt_id,
    )

    assert response is None
    assert _stored(attempt_in_progress) == before


def test_the_fast_answer_has_the_headers_of_the_view(player, attempt_in_progress):
    """The same save through the fast handler and through the lean chain and view answer
    with the same headers (SecurityMiddleware's among them) and the same body."""
    save_pass = _page_pass(player, attempt_in_progress)
    url = reverse("quizzes:save", args=[attempt_in_progress.pk])
    headers = {"X-Attempt-Pass": save_pass, "X-Forwarded-Proto": "https"}

    def post(client, seq):
        return client.post(url, data=json.dumps(_body(attempt_in_progress, seq=seq)),
                           content_type="application/json", headers=headers, secure=True)  # fmt: skip

    fast = post(player, 2)
    lean_paths = {path: None for path in settings.LEAN_PATHS}
    with override_settings(LEAN_PATHS=lean_paths):
        by_view = Client()
        by_view.cookies = player.cookies
        slow = post(by_view, 3)

    assert fast.status_code == slow.status_code == 200
    assert sorted(fast.headers) == sorted(slow.headers)
    assert fast["X-Content-Type-Options"] == "nosniff" and fast["X-Request-ID"]
    assert json.loads(fast.content)["saved"] and json.loads(slow.content)["saved"]


@override_settings(RATE_LIMITS={"answer_save": "3/m/user,5/m/ip"})
def test_a_refused_save_is_counted_once(player, attempt_in_progress):
    """The fast handler counts the save against the limits; when a limit refuses it, the view
    answers the 429 without counting it again: the address's five saves a minute are the
    person's three, the refused fourth, and one more by someone else at the same office."""
    save_pass = _page_pass(player, attempt_in_progress)
    url = reverse("quizzes:save", args=[attempt_in_progress.pk])

    def post(client, attempt, seq, **headers):
        return client.post(url if attempt is attempt_in_progress else
                           reverse("quizzes:save", args=[attempt.pk]),
                           data=json.dumps(_body(attempt, seq=seq)),
                           content_type="application/json", headers=headers,
                           REMOTE_ADDR="10.1.2.3")  # fmt: skip

    codes = [
        post(player, attempt_in_progress, seq, **{"X-Attempt-Pass": save_pass}).status_code
        for seq in range(1, 5)
    ]
    colleague = ParticipantFactory()
    colleague_attempt = attempt_start(participant=colleague, round=attempt_in_progress.round)
    colleague_client = Client()
    colleague_client.force_login(colleague.user)
    fifth = post(colleague_client, colleague_attempt.attempt, 1)
    sixth = post(colleague_client, colleague_attempt.attempt, 2)

    assert codes == [200, 200, 200, 429]
    assert fifth.status_code == 200
    assert sixth.status_code == 429


@override_settings(SECURE_SSL_REDIRECT=True)
def test_a_save_over_plain_http_is_sent_to_https_first(client, participant, attempt_in_progress):
    """The fast handler passes SecurityMiddleware's HTTPS redirect as the stack would."""
    response = client.post(
        reverse("quizzes:save", args=[attempt_in_progress.pk]),
        data=json.dumps(_body(attempt_in_progress, seq=3)),
        content_type="application/json",
    )

    assert response.status_code == 301 and response["Location"].startswith("https://")


@pytest.mark.django_db(transaction=True)
def test_a_database_error_in_the_fast_handler_is_answered_by_the_view(
    english_reader, player, attempt_in_progress
):
    """A real database error (the answer row locked elsewhere past lock_timeout): the view
    meets it again and answers 503 with Retry-After in the person's language; nothing saved."""
    save_pass = _page_pass(player, attempt_in_progress)
    row = attempt_in_progress.answers.order_by("position")[0]
    before = _stored(attempt_in_progress)
    player.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    player.raise_request_exception = False  # answered by handler500, as in production
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    holder = psycopg2.connect(**_dsn())
    try:
        with holder.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {AttemptAnswer._meta.db_table} WHERE id = %s FOR UPDATE", [row.pk]
            )
            response = player.post(
                reverse("quizzes:save", args=[attempt_in_progress.pk]),
                data=json.dumps(_body(attempt_in_progress, seq=9)),
                content_type="application/json",
                headers={"X-Attempt-Pass": save_pass},
            )
    finally:
        holder.rollback()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")

    assert response.status_code == 503 and response["Retry-After"]
    assert response.json()["code"] == "unavailable"
    assert response.json()["error"].startswith("The system is busy")
    assert _stored(attempt_in_progress) == before


def _dsn() -> dict:
    params = connection.get_connection_params()
    return {k: v for k, v in params.items() if k in ("host", "port", "user", "password", "dbname")}


@pytest.fixture
def english_reader():
    yield
    translation.activate(settings.LANGUAGE_CODE)
