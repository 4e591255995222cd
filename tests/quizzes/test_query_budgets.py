"""Query budgets of the participant's hot paths (DESIGN §4), through the real endpoints and
middleware: the session, the account and everything the request does is counted. The requests
run outside a test transaction (transaction=True), as in production: no savepoints added.
Each request is made once before it is measured, as a warm server would see it (the round's
question pool, the question texts and the account are then in the cache).

Transaction control (BEGIN, COMMIT) carries no data and is not counted; every other statement
is."""

import json
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Attempt, Question
from quizzes.selectors import choice_token, question_contents
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db(transaction=True)

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


@pytest.fixture
def assert_max_statements():
    """Like pytest-django's django_assert_max_num_queries (which it no longer shadows), without
    the transaction control statements."""

    @contextmanager
    def at_most(budget: int):
        with CaptureQueriesContext(connection) as captured:
            yield
        statements = [
            query["sql"]
            for query in captured.captured_queries
            if not query["sql"].upper().startswith(TRANSACTION_CONTROL)
        ]
        assert len(statements) <= budget, (
            f"{len(statements)} queries, budget {budget}:\n" + "\n".join(statements)
        )

    return at_most


@pytest.fixture
def player(client, participant):
    client.force_login(participant.user)
    return client


def _token(attempt, row):
    content = question_contents(question_ids=[row.question_id])[row.question_id]
    return choice_token(attempt_id=attempt.pk, choice_id=min(content.choices))


def _save(client, attempt, row, seq):
    return client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps(
            {"question": row.question_id, "choices": [_token(attempt, row)], "seq": seq}
        ),
        content_type="application/json",
    )


def test_answer_save_is_one_query(player, attempt_in_progress, assert_max_statements):
    rows = list(attempt_in_progress.answers.order_by("position"))
    assert _save(player, attempt_in_progress, rows[0], 1).json()["saved"] is True
    # The guarded UPDATE only: session, account, attempt facts and options come from the cache.
    with assert_max_statements(1):
        response = _save(player, attempt_in_progress, rows[1], 1)
    assert response.json() == {"ok": True, "saved": True, "seq": 1}
    rows[1].refresh_from_db()
    assert rows[1].seq == 1 and len(rows[1].selected) == 1


def test_quiz_page_at_most_two_queries(player, attempt_in_progress, assert_max_statements):
    url = reverse("quizzes:attempt", args=[attempt_in_progress.pk])
    player.get(url)
    # The attempt with its round and contest; its answer rows.
    with assert_max_statements(2):
        response = player.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('name="q') >= attempt_in_progress.question_count


def test_start_at_most_four_queries(client, participant, open_round, assert_max_statements):
    question_contents(question_ids=Question.objects.values_list("id", flat=True))
    warm = ParticipantFactory()
    client.force_login(warm.user)
    client.post(reverse("quizzes:start", args=[open_round.pk]))
    client.force_login(participant.user)
    client.get(reverse("operations:home"))
    # The round; the person's state in it (disqualified, attempts, one in progress); the
    # attempt; its answer rows.
    with assert_max_statements(4):
        response = client.post(reverse("quizzes:start", args=[open_round.pk]))
    attempt = Attempt.objects.get(participant=participant)
    assert response.status_code == 302
    assert response.url == reverse("quizzes:attempt", args=[attempt.pk])
    assert attempt.answers.count() == attempt.question_count > 0
    # Resuming costs no more.
    with assert_max_statements(4):
        again = client.post(reverse("quizzes:start", args=[open_round.pk]))
    assert (
        again.url == response.url and Attempt.objects.filter(participant=participant).count() == 1
    )


@pytest.mark.parametrize("changed", [False, True], ids=["as-autosaved", "changed-in-form"])
def test_submit_at_most_four_queries(player, attempt_in_progress, changed, assert_max_statements):
    rows = list(attempt_in_progress.answers.order_by("position"))
    _save(player, attempt_in_progress, rows[0], 1)
    form = {f"q{rows[0].question_id}": [_token(attempt_in_progress, rows[0])]}
    if changed:
        content = question_contents(question_ids=[rows[1].question_id])[rows[1].question_id]
        form[f"q{rows[1].question_id}"] = [
            choice_token(attempt_id=attempt_in_progress.pk, choice_id=max(content.choices))
        ]
    # Lock the rows (and the attempt); mark them (with the posted answers); the attempt; the
    # profile lock.
    with assert_max_statements(4):
        response = player.post(reverse("quizzes:submit", args=[attempt_in_progress.pk]), form)
    assert response.status_code == 302
    attempt_in_progress.refresh_from_db()
    assert attempt_in_progress.state == Attempt.State.SUBMITTED
    assert attempt_in_progress.answers.filter(is_correct__isnull=True).count() == 0
    if changed:
        rows[1].refresh_from_db()
        assert rows[1].selected == [max(content.choices)] and rows[1].seq == 1


def test_result_at_most_three_queries(player, attempt_in_progress, assert_max_statements):
    player.post(reverse("quizzes:submit", args=[attempt_in_progress.pk]))
    url = reverse("quizzes:result", args=[attempt_in_progress.pk])
    player.get(url)
    # The attempt with its round and contest; the person's attempts in the round; the answer
    # rows when answers are shown.
    with assert_max_statements(3):
        response = player.get(url)
    assert response.status_code == 200


def test_home_at_most_three_queries(player, open_round, assert_max_statements):
    player.get(reverse("operations:home"))
    # The current contest (at most two tries) and its rounds.
    with assert_max_statements(3):
        response = player.get(reverse("operations:home"))
    assert response.status_code == 200
    assert open_round.name in response.content.decode()


def test_the_account_is_read_again_after_a_password_change(player, participant):
    """The cached account keeps Django's session check: a password change logs the other
    sessions out."""
    url = reverse("operations:history")
    assert player.get(url).status_code == 200
    participant.user.set_password("another-password-42")
    participant.user.save()
    response = player.get(url)
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_a_deactivated_account_is_logged_out(player, participant, attempt_in_progress):
    row = attempt_in_progress.answers.first()
    assert _save(player, attempt_in_progress, row, 1).status_code == 200
    participant.user.is_active = False
    participant.user.save(update_fields=["is_active"])
    assert _save(player, attempt_in_progress, row, 2).status_code == 401
