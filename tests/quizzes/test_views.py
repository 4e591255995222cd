import datetime as dt
import json
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt
from quizzes.selectors import choice_token, question_contents
from rounds.models import Round
from tests.factories import ParticipantFactory, QuestionFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def player(client, participant):
    client.force_login(participant.user)
    return client


def _save(client, attempt, body):
    return client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps(body),
        content_type="application/json",
    )


def _correct_token(attempt, row):
    content = question_contents(question_ids=[row.question_id])[row.question_id]
    return choice_token(attempt_id=attempt.pk, choice_id=min(content.correct_ids))


def _correct_tokens(attempt, row):
    content = question_contents(question_ids=[row.question_id])[row.question_id]
    return [choice_token(attempt_id=attempt.pk, choice_id=cid) for cid in content.correct_ids]


def test_start_redirects_to_the_quiz_and_a_second_start_resumes(player, open_round):
    response = player.post(reverse("quizzes:start", args=[open_round.pk]))
    attempt = Attempt.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("quizzes:attempt", args=[attempt.pk])
    again = player.post(reverse("quizzes:start", args=[open_round.pk]), follow=True)
    assert Attempt.objects.count() == 1
    assert "tiếp tục làm bài" in again.content.decode()


def test_start_needs_post_and_login(client, player, open_round):
    url = reverse("quizzes:start", args=[open_round.pk])
    assert player.get(url).status_code == 405
    player.logout()
    response = client.post(url)
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert Attempt.objects.count() == 0


def test_start_refused_with_a_clear_reason_when_the_round_is_closed(player, question_bank):
    closed = RoundFactory(
        starts_at=timezone.now() - dt.timedelta(days=5),
        ends_at=timezone.now() - dt.timedelta(days=1),
    )
    response = player.post(reverse("quizzes:start", args=[closed.pk]))
    assert response.status_code == 409
    assert "Đợt thi không trong thời gian làm bài" in response.content.decode()


def test_quiz_page_shows_questions_saved_answers_and_remaining_time(player, attempt_in_progress):
    row = attempt_in_progress.answers.order_by("position").first()
    token = _correct_token(attempt_in_progress, row)
    assert (
        _save(
            player, attempt_in_progress, {"question": row.question_id, "choices": [token], "seq": 1}
        ).status_code
        == 200
    )
    response = player.get(reverse("quizzes:attempt", args=[attempt_in_progress.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="question"') == attempt_in_progress.question_count
    assert f'value="{token}" checked' in html
    remaining = int(re.search(r'data-remaining-ms="(\d+)"', html).group(1))
    assert 0 < remaining <= attempt_in_progress.round.contest.time_limit_seconds * 1000
    assert response["Cache-Control"].startswith("max-age=0")


def test_quiz_page_of_someone_else_is_404(client, attempt_in_progress):
    client.force_login(ParticipantFactory().user)
    assert client.get(reverse("quizzes:attempt", args=[attempt_in_progress.pk])).status_code == 404


def test_quiz_page_after_the_deadline_finalises_and_shows_the_result(player, attempt_in_progress):
    later = attempt_in_progress.deadline + dt.timedelta(seconds=10)
    with time_machine.travel(later, tick=False):
        response = player.get(reverse("quizzes:attempt", args=[attempt_in_progress.pk]))
    assert response.status_code == 302
    assert response.url == reverse("quizzes:result", args=[attempt_in_progress.pk])
    attempt_in_progress.refresh_from_db()
    assert attempt_in_progress.state == Attempt.State.AUTO_SUBMITTED


def test_save_endpoint_accepts_a_choice_and_reports_stale_seq(player, attempt_in_progress):
    row = attempt_in_progress.answers.first()
    token = _correct_token(attempt_in_progress, row)
    response = _save(
        player, attempt_in_progress, {"question": row.question_id, "choices": [token], "seq": 3}
    )
    assert response.status_code == 200 and response.json() == {"ok": True, "saved": True, "seq": 3}
    stale = _save(
        player, attempt_in_progress, {"question": row.question_id, "choices": [], "seq": 2}
    )
    assert stale.json()["saved"] is False
    row.refresh_from_db()
    assert row.seq == 3 and len(row.selected) == 1


def test_save_endpoint_saves_the_prediction(player, attempt_in_progress):
    assert _save(player, attempt_in_progress, {"prediction": 77, "seq": 1}).json()["saved"]
    attempt_in_progress.refresh_from_db()
    assert attempt_in_progress.prediction == 77


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("not json", 400, "invalid_request"),
        ({"question": 1}, 400, "invalid_request"),
        ({"question": "x", "seq": 1}, 400, "invalid_request"),
        ({"question": None, "seq": 1}, 400, "invalid_request"),
        ({"question": True, "choices": [], "seq": 1}, 400, "invalid_request"),
        ({"prediction": -3, "seq": 1}, 400, "invalid_prediction"),
        ({"prediction": [1], "seq": 1}, 400, "invalid_request"),
        ({"QUESTION": "first", "choices": ["deadbeefdeadbeef"], "seq": 1}, 400, "invalid_choice"),
        ({"QUESTION": "first", "choices": "abc", "seq": 1}, 400, "invalid_request"),
        ({"QUESTION": "first", "choices": [], "seq": 0}, 400, "invalid_seq"),
    ],
)
def test_save_endpoint_refuses_bad_input_with_json(player, attempt_in_progress, body, status, code):
    row = attempt_in_progress.answers.first()
    token = _correct_token(attempt_in_progress, row)
    _save(player, attempt_in_progress, {"question": row.question_id, "choices": [token], "seq": 1})
    if isinstance(body, dict) and body.get("QUESTION") == "first":
        body = {**body, "question": row.question_id}
        del body["QUESTION"]
    payload = body if isinstance(body, str) else json.dumps(body)
    response = player.post(
        reverse("quizzes:save", args=[attempt_in_progress.pk]),
        data=payload,
        content_type="application/json",
    )
    assert response.status_code == status
    assert response.json()["code"] == code and response.json()["error"]
    row.refresh_from_db()
    assert row.seq == 1 and len(row.selected) == 1


def test_save_endpoint_refuses_strangers_and_late_saves(client, player, attempt_in_progress):
    row = attempt_in_progress.answers.first()
    body = {
        "question": row.question_id,
        "choices": [_correct_token(attempt_in_progress, row)],
        "seq": 1,
    }
    grace = attempt_in_progress.round.contest.grace
    with time_machine.travel(attempt_in_progress.deadline + grace, tick=False):
        late = _save(player, attempt_in_progress, body)
    assert late.status_code == 409 and late.json()["code"] == "deadline_passed"
    player.logout()
    anonymous = _save(client, attempt_in_progress, body)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_logged_in"
    client.force_login(ParticipantFactory().user)
    stranger = _save(client, attempt_in_progress, body)
    assert stranger.status_code == 404 and stranger.json()["code"] == "attempt_not_found"
    row.refresh_from_db()
    assert row.selected == [] and row.seq == 0


def test_save_endpoint_query_budget(player, attempt_in_progress, django_assert_max_num_queries):
    row = attempt_in_progress.answers.first()
    token = _correct_token(attempt_in_progress, row)
    _save(player, attempt_in_progress, {"question": row.question_id, "choices": [token], "seq": 1})
    # The one guarded write: session, account and attempt facts come from the cache
    # (test_query_budgets.py pins every hot path outside a test transaction).
    with django_assert_max_num_queries(1):
        _save(
            player, attempt_in_progress, {"question": row.question_id, "choices": [token], "seq": 2}
        )


def test_quiz_page_query_budget(player, attempt_in_progress, django_assert_max_num_queries):
    url = reverse("quizzes:attempt", args=[attempt_in_progress.pk])
    player.get(url)
    # The attempt with its round and contest, its answers (the account is cached).
    with django_assert_max_num_queries(2):
        player.get(url)


def test_form_submit_without_javascript_saves_and_scores(player, attempt_in_progress):
    rows = list(attempt_in_progress.answers.order_by("position"))
    data = {f"q{row.question_id}": _correct_tokens(attempt_in_progress, row) for row in rows[:2]}
    data["prediction"] = "1.250"
    response = player.post(reverse("quizzes:submit", args=[attempt_in_progress.pk]), data)
    assert response.status_code == 302
    assert response.url == reverse("quizzes:result", args=[attempt_in_progress.pk])
    attempt_in_progress.refresh_from_db()
    assert attempt_in_progress.state == Attempt.State.SUBMITTED
    assert attempt_in_progress.score == 2 and attempt_in_progress.prediction == 1250
    page = player.get(response.url).content.decode()
    # Vietnamese thousands separator (contest_site/formats/vi).
    assert f"2/{attempt_in_progress.question_count}" in page and "1.250" in page


def test_form_submit_with_a_forged_option_is_refused(player, attempt_in_progress):
    row = attempt_in_progress.answers.first()
    response = player.post(
        reverse("quizzes:submit", args=[attempt_in_progress.pk]), {f"q{row.question_id}": "forged"}
    )
    assert response.status_code == 400
    attempt_in_progress.refresh_from_db()
    assert attempt_in_progress.state == Attempt.State.IN_PROGRESS


def test_second_submit_shows_the_same_result(player, attempt_in_progress):
    url = reverse("quizzes:submit", args=[attempt_in_progress.pk])
    player.post(url)
    attempt_in_progress.refresh_from_db()
    first = (attempt_in_progress.submitted_at, attempt_in_progress.score)
    assert player.post(url).status_code == 302
    attempt_in_progress.refresh_from_db()
    assert (attempt_in_progress.submitted_at, attempt_in_progress.score) == first


def test_result_page_reveals_answers_only_after_the_round_closes(player, attempt_in_progress):
    attempt_in_progress.round.contest.show_answers_after_close = True
    attempt_in_progress.round.contest.save()
    player.post(reverse("quizzes:submit", args=[attempt_in_progress.pk]))
    url = reverse("quizzes:result", args=[attempt_in_progress.pk])
    during = player.get(url).content.decode()
    assert "đáp án đúng" not in during and "Giải thích." not in during
    with time_machine.travel(attempt_in_progress.round.ends_at, tick=False):
        after = player.get(url).content.decode()
    assert "đáp án đúng" in after and "Giải thích." in after


def test_history_lists_attempts_per_round_and_the_counted_one(player, participant, open_round):
    first = player.post(reverse("quizzes:start", args=[open_round.pk]))
    attempt = Attempt.objects.get()
    player.post(reverse("quizzes:submit", args=[attempt.pk]))
    player.post(reverse("quizzes:start", args=[open_round.pk]))
    html = player.get(reverse("operations:history")).content.decode()
    assert first.status_code == 302
    assert open_round.name in html and "được tính" in html and "Đang làm — tiếp tục" in html
    assert 'class="rank-slot"' in html


def test_no_correct_answer_data_reaches_the_browser_before_the_round_closes(
    client, participant, transactional_db
):
    """Every participant-facing response of an attempt, scanned for anything that tells the
    correct options apart: flags, explanations, correct option ids, per-question scores."""
    secret = "GIẢI-THÍCH-BÍ-MẬT"
    questions = QuestionFactory.create_batch(6, explanation=secret)
    round = RoundFactory()
    assert len(questions) == 6
    client.force_login(participant.user)
    responses = [client.get("/"), client.post(reverse("quizzes:start", args=[round.pk]))]
    attempt = Attempt.objects.get()
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    responses.append(page)
    html = page.content.decode()
    tokens = re.findall(r'name="q\d+" value="([^"]+)"', html)
    assert len(tokens) == attempt.question_count * 4 and all(
        re.fullmatch(r"[0-9a-f]{16}", t) for t in tokens
    )
    for row in attempt.answers.all():
        token = _correct_token(attempt, row)
        responses.append(
            _save(client, attempt, {"question": row.question_id, "choices": [token], "seq": 1})
        )
    responses.append(_save(client, attempt, {"prediction": 5, "seq": 1}))
    responses.append(client.get(reverse("quizzes:attempt", args=[attempt.pk])))
    responses.append(client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True))
    responses.append(client.get(reverse("quizzes:result", args=[attempt.pk])))
    responses.append(client.get(reverse("operations:history")))
    for response in responses:
        body = response.content.decode()
        assert secret not in body
        assert "correct" not in body.lower()
        assert "đáp án đúng" not in body.lower()
        assert "is_correct" not in body
    result_html = responses[-2].content.decode()
    assert "Đúng" not in result_html and "Sai" not in result_html
    Round.objects.filter(pk=round.pk).update(
        ends_at=timezone.now() - dt.timedelta(seconds=1),
        starts_at=timezone.now() - dt.timedelta(days=1),
    )
    revealed = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert secret in revealed


def test_start_with_an_incomplete_profile_points_to_the_profile(client, open_round):
    incomplete = ParticipantFactory(gender="")
    client.force_login(incomplete.user)
    response = client.post(reverse("quizzes:start", args=[open_round.pk]))
    html = response.content.decode()
    assert response.status_code == 409
    assert "giới tính" in html and reverse("participants:profile") in html
