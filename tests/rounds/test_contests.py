"""Contests kept apart: a new contest is a draft, the site shows the one contest chosen as
current, and choosing it is one explicit, audited step."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.models import AuditLogEntry
from quizzes.services import AttemptError, attempt_start
from rounds.models import Contest
from rounds.selectors import contest_chosen, contest_current
from rounds.services import ContestStateError, contest_make_current, contest_publish
from tests.factories import ContestFactory, ParticipantFactory, QuestionFactory, RoundFactory

pytestmark = pytest.mark.django_db


def test_a_contest_added_in_the_admin_is_a_draft_and_leaves_the_site_alone(
    organiser_client, client
):
    running = ContestFactory(name="Cuộc thi năm 2026")
    RoundFactory(contest=running)
    response = organiser_client.post(
        reverse("admin:rounds_contest_add"),
        {
            "name": "Cuộc thi năm 2027",
            "slug": "cuoc-thi-2027",
            "questions_per_attempt": 20,
            "time_limit_seconds": 1200,
            "attempts_per_round": 3,
            "counted_attempt": "best",
            "grace_seconds": 3,
            "prediction_question": "Bao nhiêu?",
            "prize_scope": "round",
            "participation_target_percent": 80,
            "collective_min_rate_percent": 50,
            "collective_min_headcount": 10,
            "rounds-TOTAL_FORMS": 0,
            "rounds-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = Contest.objects.get(slug="cuoc-thi-2027")
    assert not draft.is_active and not draft.is_current
    assert contest_current() == running
    assert "Cuộc thi năm 2026" in client.get("/").content.decode()
    assert "Cuộc thi năm 2027" not in client.get("/").content.decode()
    assert contest_chosen(slug="cuoc-thi-2027") is None  # drafts are not on public pages


def test_a_draft_contest_cannot_be_taken_nor_made_current():
    QuestionFactory.create_batch(5)
    draft_round = RoundFactory(contest=ContestFactory(is_active=False, is_current=False))
    with pytest.raises(AttemptError) as refused:
        attempt_start(participant=ParticipantFactory(), round=draft_round)
    assert refused.value.code == "contest_draft"
    with pytest.raises(ContestStateError):
        contest_make_current(contest_id=draft_round.contest_id, actor=None)


def test_making_a_contest_current_replaces_the_previous_one_and_is_audited(organiser):
    this_year = ContestFactory()
    next_year = ContestFactory(is_active=False)
    assert contest_current() == this_year
    contest_publish(contest_id=next_year.pk, actor=organiser)
    assert contest_current() == this_year  # published is not yet current
    contest_make_current(contest_id=next_year.pk, actor=organiser)
    assert contest_current() == next_year
    this_year.refresh_from_db()
    assert this_year.is_active and not this_year.is_current
    actions = list(AuditLogEntry.objects.values_list("action", flat=True))
    assert "contest_publish" in actions and "contest_make_current" in actions


def test_the_database_keeps_one_current_contest():
    ContestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ContestFactory(is_current=True)


def test_admin_actions_publish_and_make_current(organiser_client):
    ContestFactory()
    draft = ContestFactory(is_active=False)
    url = reverse("admin:rounds_contest_changelist")
    organiser_client.post(
        url, {"action": "make_current", "_selected_action": [draft.pk]}, follow=True
    )
    draft.refresh_from_db()
    assert not draft.is_current
    organiser_client.post(url, {"action": "publish_contests", "_selected_action": [draft.pk]})
    organiser_client.post(url, {"action": "make_current", "_selected_action": [draft.pk]})
    assert contest_current() == draft
