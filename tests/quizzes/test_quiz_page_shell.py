"""The quiz page is rendered once per attempt and language, kept in the cache, and filled in
per request from the database (quizzes/page.py): a reload shows exactly what is saved, the
template language does not run again, nothing of the key or of the slots reaches the page."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from quizzes.models import Attempt, AttemptAnswer
from quizzes.selectors import choice_token, question_contents
from tests.factories import QuestionFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def player(client, participant):
    client.force_login(participant.user)
    return client


def _page(client, attempt, **extra):
    response = client.get(reverse("quizzes:attempt", args=[attempt.pk]), **extra)
    assert response.status_code == 200
    return response


def _save(client, attempt, body):
    response = client.post(
        reverse("quizzes:save", args=[attempt.pk]),
        data=json.dumps(body),
        content_type="application/json",
    )
    assert response.json()["saved"] is True
    return response


def _tokens(attempt, row):
    return [choice_token(attempt_id=attempt.pk, choice_id=cid) for cid in row.choice_order]


def _checked(html):
    return re.findall(r'value="([0-9a-f]{16})" checked>', html)


def _question_block(html, question_id):
    return re.search(
        rf'<li class="question"[^>]*data-question="{question_id}"[^>]*>.*?</li>', html, re.S
    ).group(0)


def test_a_reload_shows_every_change_saved_since_the_page_was_first_built(
    player, attempt_in_progress
):
    rows = list(attempt_in_progress.answers.order_by("position"))
    first = _page(player, attempt_in_progress).content.decode()
    assert _checked(first) == []
    assert 'data-seq="0"' in _question_block(first, rows[0].question_id)

    a, b = _tokens(attempt_in_progress, rows[0])[:2]
    _save(player, attempt_in_progress, {"question": rows[0].question_id, "choices": [a], "seq": 1})
    _save(player, attempt_in_progress, {"question": rows[0].question_id, "choices": [b], "seq": 2})
    c = _tokens(attempt_in_progress, rows[3])[2]
    _save(player, attempt_in_progress, {"question": rows[3].question_id, "choices": [c], "seq": 1})
    _save(player, attempt_in_progress, {"prediction": 1234, "seq": 1})

    html = _page(player, attempt_in_progress).content.decode()
    assert sorted(_checked(html)) == sorted([b, c])
    block = _question_block(html, rows[0].question_id)
    assert 'data-seq="2"' in block and 'data-state="saved">đã lưu</p>' in block
    untouched = _question_block(html, rows[1].question_id)
    assert 'data-seq="0"' in untouched and "data-state" not in untouched
    assert 'name="prediction"' in html and 'value="1234"' in html
    config = json.loads(re.search(r'id="quiz-config"[^>]*>(.*?)</script>', html).group(1))
    assert config["predictionSeq"] == 1


def test_the_time_left_is_the_server_clock_of_each_request(player, attempt_in_progress):
    _page(player, attempt_in_progress)
    with time_machine.travel(attempt_in_progress.deadline - dt.timedelta(seconds=65), tick=False):
        html = _page(player, attempt_in_progress).content.decode()
    assert 'data-remaining-ms="65000">01:05</strong>' in html
    config = json.loads(re.search(r'id="quiz-config"[^>]*>(.*?)</script>', html).group(1))
    assert config["remainingMs"] == 65000


def test_a_reload_does_not_run_the_template_language(player, attempt_in_progress):
    assert "quizzes/attempt.html" in [t.name for t in _page(player, attempt_in_progress).templates]

    again = _page(player, attempt_in_progress)

    assert again.templates == []
    # Each response carries its own CSRF token, in every form of the page.
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', again.content.decode()))
    assert len(tokens) == 1 and len(tokens.pop()) == 64


@pytest.fixture
def english_reader():
    """The language a request activates stays active in the thread afterwards (Django does
    not deactivate it): put Vietnamese back for the tests that follow."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_page_is_kept_per_language(english_reader, player, attempt_in_progress):
    vietnamese = _page(player, attempt_in_progress).content.decode()
    player.cookies["django_language"] = "en"
    english = _page(player, attempt_in_progress).content.decode()

    assert "Nộp bài" in vietnamese and 'lang="vi"' in vietnamese
    assert 'lang="en"' in english and "Nộp bài" not in english


def test_a_message_is_shown_once_on_the_kept_page(player, participant, attempt_in_progress):
    _page(player, attempt_in_progress)
    # Pressing "Vào thi" again resumes the attempt, with a message.
    response = player.post(reverse("quizzes:start", args=[attempt_in_progress.round_id]))
    assert response.url == reverse("quizzes:attempt", args=[attempt_in_progress.pk])

    html = _page(player, attempt_in_progress).content.decode()
    assert '<ul class="messages">' in html and "tiếp tục làm bài" in html
    assert "tiếp tục làm bài" not in _page(player, attempt_in_progress).content.decode()


def test_the_display_choices_of_the_reader_apply_to_the_kept_page(player, attempt_in_progress):
    _page(player, attempt_in_progress)
    player.cookies["a11y_text"] = "large"
    player.cookies["a11y_contrast"] = "high"

    html = _page(player, attempt_in_progress).content.decode()

    assert '<html lang="vi" class="text-large high-contrast">' in html


def test_no_slot_and_nothing_of_the_key_reaches_the_page(player, attempt_in_progress):
    rows = list(attempt_in_progress.answers.order_by("position"))
    for row in rows:
        token = _tokens(attempt_in_progress, row)[0]
        _save(
            player, attempt_in_progress, {"question": row.question_id, "choices": [token], "seq": 1}
        )
    for _ in range(2):
        html = _page(player, attempt_in_progress).content.decode()
        assert "\ue000" not in html and "\ue001" not in html
        assert "correct" not in html.lower()
        contents = question_contents(question_ids=[row.question_id for row in rows])
        for content in contents.values():
            for choice_id in content.choices:
                assert f'"{choice_id}"' not in html and f"c:{choice_id}" not in html


def test_a_finished_attempt_redirects_to_its_result_even_with_its_page_kept(
    player, attempt_in_progress
):
    _page(player, attempt_in_progress)
    player.post(reverse("quizzes:submit", args=[attempt_in_progress.pk]))

    response = player.get(reverse("quizzes:attempt", args=[attempt_in_progress.pk]))

    assert response.status_code == 302
    assert response.url == reverse("quizzes:result", args=[attempt_in_progress.pk])


def test_the_page_is_built_again_when_the_cache_lost_it(player, attempt_in_progress):
    before = _page(player, attempt_in_progress).content.decode()
    cache.clear()

    after = _page(player, attempt_in_progress)

    assert "quizzes/attempt.html" in [t.name for t in after.templates]

    def strip(html):
        return re.sub(
            r'value="[A-Za-z0-9]{64}"|data-remaining-ms="\d+">[\d:]+|"remainingMs": \d+', "", html
        )

    assert strip(after.content.decode()) == strip(before)


def test_a_round_closed_early_shortens_the_time_shown(player, attempt_in_progress):
    from quizzes.services import attempts_deadline_cut

    _page(player, attempt_in_progress)
    attempts_deadline_cut(
        round_id=attempt_in_progress.round_id, moment=timezone.now() + dt.timedelta(seconds=30)
    )

    html = _page(player, attempt_in_progress).content.decode()

    remaining = int(re.search(r'data-remaining-ms="(\d+)"', html).group(1))
    assert 25_000 < remaining <= 30_000


def test_a_multiple_choice_question_shows_every_chosen_option(client, participant, db):
    QuestionFactory.create_batch(3, kind="multiple", choices=[0, 2])
    round = RoundFactory(contest__questions_per_attempt=3)
    client.force_login(participant.user)
    client.post(reverse("quizzes:start", args=[round.pk]))
    attempt = Attempt.objects.get()
    _page(client, attempt)
    row = AttemptAnswer.objects.filter(attempt=attempt).order_by("position").first()
    chosen = _tokens(attempt, row)[:3]

    _save(client, attempt, {"question": row.question_id, "choices": chosen, "seq": 1})

    html = _page(client, attempt).content.decode()
    assert sorted(_checked(html)) == sorted(chosen)
    assert 'type="checkbox"' in html


def test_attempts_of_a_round_share_its_frame_and_each_shows_its_own(client, open_round, db):
    from tests.factories import ParticipantFactory

    pages = []
    for name in ("Nguyễn Văn <An>", "Trần Thị Bình"):
        participant = ParticipantFactory(full_name=name)
        client.force_login(participant.user)
        client.post(reverse("quizzes:start", args=[open_round.pk]))
        attempt = Attempt.objects.get(participant=participant)
        pages.append((attempt, _page(client, attempt)))

    (_first, first_page), (second, second_page) = pages
    assert "quizzes/attempt.html" not in [t.name for t in second_page.templates]
    html = second_page.content.decode()
    assert "Trần Thị Bình" in html and "Nguyễn Văn" not in html
    assert f'action="/bai-thi/{second.pk}/nop-bai/"' in html
    ids = [row.question_id for row in second.answers.order_by("position")]
    assert [int(q) for q in re.findall(r'data-question="(\d+)"', html)] == ids
    assert "Nguyễn Văn &lt;An&gt;" in first_page.content.decode()


def test_the_first_page_after_start_reads_what_a_reload_reads(
    client, participant, open_round, django_assert_max_num_queries
):
    client.force_login(participant.user)
    response = client.post(reverse("quizzes:start", args=[open_round.pk]))
    attempt = Attempt.objects.get(participant=participant)

    with django_assert_max_num_queries(1):
        page = client.get(response.url)

    assert page.status_code == 200 and page.templates == []
    assert page.content.decode().count('class="question"') == attempt.question_count
