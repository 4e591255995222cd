"""The autosave's signed pass (quizzes.save_pass): a save that carries the pass of its quiz
page is checked without loading the account, and only for its attempt, its session and a
session still signed in with the account's current password."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt
from quizzes.save_pass import save_pass_issue
from quizzes.selectors import choice_token, question_contents
from quizzes.services import attempt_start
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=True)

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _page_pass(client, attempt) -> str:
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    config = json.loads(re.search(r'id="quiz-config"[^>]*>(.*?)</script>', html, re.S).group(1))
    return config["savePass"]


def _save(client, attempt, *, save_pass, seq=1, position=0, csrf=None, row=None):
    row = row or attempt.answers.order_by("position")[position]
    content = question_contents(question_ids=[row.question_id])[row.question_id]
    headers = {"X-Attempt-Pass": save_pass}
    if csrf:
        headers["X-CSRFToken"] = csrf
    return client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps(
            {
                "question": row.question_id,
                "choices": [choice_token(attempt_id=attempt.pk, choice_id=min(content.choices))],
                "seq": seq,
            }
        ),
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def player(client, participant):
    client.force_login(participant.user)
    return client


def test_page_pass_saves_in_one_statement(player, attempt_in_progress):
    save_pass = _page_pass(player, attempt_in_progress)
    assert save_pass and "correct" not in save_pass
    assert _save(player, attempt_in_progress, save_pass=save_pass).json()["saved"] is True
    row = attempt_in_progress.answers.order_by("position")[1]
    question_contents(question_ids=[row.question_id])
    with CaptureQueriesContext(connection) as captured:
        response = _save(player, attempt_in_progress, save_pass=save_pass, seq=2, row=row)
    statements = [
        q["sql"] for q in captured.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)
    ]
    assert response.json() == {"ok": True, "saved": True, "seq": 2}
    assert len(statements) == 1, statements


def test_forged_pass_gains_nothing(player, participant, attempt_in_progress):
    """A pass that does not verify is no pass: the save takes Django's full check, which lets
    in only the attempt's owner, signed in, and the database holds the real deadline."""
    save_pass = _page_pass(player, attempt_in_progress)
    payload, _, signature = save_pass.rpartition(".")
    parts = payload.split(".")
    parts[3] = str(int(parts[3]) + 3_600_000)  # an hour more written into the pass
    forged = ".".join(parts) + "." + signature
    now = timezone.now()
    Attempt.objects.filter(pk=attempt_in_progress.pk).update(
        started_at=now - timedelta(minutes=30), deadline=now - timedelta(minutes=5)
    )
    from quizzes.selectors import attempt_save_contexts_forget

    attempt_save_contexts_forget(attempt_ids=[attempt_in_progress.pk])
    response = _save(player, attempt_in_progress, save_pass=forged)
    assert response.status_code == 409 and response.json()["code"] == "deadline_passed"
    anonymous = Client()
    response = _save(anonymous, attempt_in_progress, save_pass=forged)
    assert response.status_code == 401
    assert response.json()["error"] == "Phiên đăng nhập đã hết, hãy đăng nhập lại."
    assert not attempt_in_progress.answers.filter(seq__gt=0).exists()


def test_another_persons_attempt_is_refused(player, participant, attempt_in_progress, open_round):
    other = ParticipantFactory()
    theirs = attempt_start(participant=other, round=open_round).attempt
    mine = _page_pass(player, attempt_in_progress)
    # My pass on their attempt's URL: not theirs, so Django's check, and not my attempt.
    response = _save(player, theirs, save_pass=mine)
    assert response.status_code == 404
    assert response.json()["error"] == "Không tìm thấy lượt thi của bạn."
    # A pass issued (with the server's key) for their attempt to my session is still refused
    # by the save's statement: the attempt is not my participant's.
    forged = save_pass_issue(
        attempt_id=theirs.pk,
        participant_id=participant.pk,
        user_id=participant.user_id,
        deadline=theirs.deadline,
        grace=timedelta(seconds=10),
        bound=False,
        session_key=player.session.session_key,
    )
    response = _save(player, theirs, save_pass=forged)
    assert response.status_code == 404
    assert response.json()["error"] == "Không tìm thấy lượt thi của bạn."
    assert not theirs.answers.filter(seq__gt=0).exists()


def test_pass_of_another_session_is_refused(player, participant, attempt_in_progress):
    save_pass = _page_pass(player, attempt_in_progress)
    thief = Client()
    thief.force_login(ParticipantFactory().user)
    response = _save(thief, attempt_in_progress, save_pass=save_pass)
    assert response.status_code == 404 and response.json()["code"] == "attempt_not_found"
    assert not attempt_in_progress.answers.filter(seq__gt=0).exists()


def test_logout_ends_the_pass(player, attempt_in_progress):
    save_pass = _page_pass(player, attempt_in_progress)
    session_cookie = player.cookies["sessionid"].value
    assert _save(player, attempt_in_progress, save_pass=save_pass).status_code == 200
    player.post(reverse("account_logout"))
    # The stolen cookie and pass together, after the logout.
    replay = Client()
    replay.cookies["sessionid"] = session_cookie
    response = _save(replay, attempt_in_progress, save_pass=save_pass, seq=2)
    assert response.status_code == 401
    assert response.json()["code"] == "not_logged_in"
    assert attempt_in_progress.answers.filter(seq=2).count() == 0


def test_password_change_elsewhere_ends_the_pass(player, participant, attempt_in_progress):
    save_pass = _page_pass(player, attempt_in_progress)
    assert _save(player, attempt_in_progress, save_pass=save_pass).status_code == 200
    user = participant.user
    user.set_password("một-mật-khẩu-mới-2024")
    user.save()
    response = _save(player, attempt_in_progress, save_pass=save_pass, seq=2)
    assert response.status_code == 401
    assert response.json() == {
        "error": "Phiên đăng nhập đã hết, hãy đăng nhập lại.",
        "code": "not_logged_in",
    }


def test_expired_pass_is_refused(player, attempt_in_progress):
    save_pass = _page_pass(player, attempt_in_progress)
    now = timezone.now()
    Attempt.objects.filter(pk=attempt_in_progress.pk).update(
        started_at=now - timedelta(minutes=30), deadline=now - timedelta(minutes=5)
    )
    # The pass still names the old deadline: the save's statement holds the real one.
    response = _save(player, attempt_in_progress, save_pass=save_pass)
    assert response.status_code == 409
    assert response.json()["code"] == "deadline_passed"


def test_a_valid_pass_is_the_csrf_proof(participant, attempt_in_progress):
    """The pass is a secret bound to the session, printed only in the quiz page and sent in a
    header no other site can send: it stands for the CSRF token (Django's check is skipped)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant.user)
    save_pass = _page_pass(client, attempt_in_progress)
    # The first save, as quiz.js sends it (with the CSRF header), makes Django's full check
    # of the session once and keeps the account's session hash in the cache for the next.
    csrf = client.cookies["csrftoken"].value
    assert _save(client, attempt_in_progress, save_pass=save_pass, csrf=csrf).status_code == 200
    response = _save(client, attempt_in_progress, save_pass=save_pass, seq=2)
    assert response.status_code == 200 and response.json()["saved"] is True


@pytest.mark.parametrize("which", ["none", "forged", "another_session"])
def test_csrf_still_checked_without_a_valid_pass(participant, attempt_in_progress, which):
    client = Client(enforce_csrf_checks=True)
    client.force_login(participant.user)
    save_pass = _page_pass(client, attempt_in_progress)
    if which == "another_session":
        other = Client(enforce_csrf_checks=True)
        other.force_login(participant.user)
        save_pass = _page_pass(other, attempt_in_progress)
    elif which == "forged":
        save_pass = save_pass[:-4] + ("0000" if not save_pass.endswith("0000") else "1111")
    else:
        save_pass = ""
    response = _save(client, attempt_in_progress, save_pass=save_pass)
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    row = attempt_in_progress.answers.order_by("position")[0]
    assert row.seq == 0 and row.selected == []  # nothing saved


# The quiz page makes the same check of the session from the cache (participants.auth_backends
# .session_signed_in), without loading the account.


def test_quiz_page_after_logout_asks_for_login(player, attempt_in_progress):
    url = reverse("quizzes:attempt", args=[attempt_in_progress.pk])
    assert player.get(url).status_code == 200
    assert player.get(url).status_code == 200  # the account's hash is now in the cache
    session_cookie = player.cookies["sessionid"].value
    player.post(reverse("account_logout"))
    replay = Client()
    replay.cookies["sessionid"] = session_cookie
    response = replay.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_quiz_page_after_password_change_elsewhere_asks_for_login(
    player, participant, attempt_in_progress
):
    url = reverse("quizzes:attempt", args=[attempt_in_progress.pk])
    assert player.get(url).status_code == 200
    assert player.get(url).status_code == 200
    participant.user.set_password("một-mật-khẩu-mới-2024")
    participant.user.save()
    response = player.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_quiz_page_of_another_person_is_not_found(player, attempt_in_progress, open_round):
    theirs = attempt_start(participant=ParticipantFactory(), round=open_round).attempt
    player.get(reverse("quizzes:attempt", args=[attempt_in_progress.pk]))
    assert player.get(reverse("quizzes:attempt", args=[theirs.pk])).status_code == 404
