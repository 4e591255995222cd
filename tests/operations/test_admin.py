"""The organisers' lifecycle actions in admin, each logged."""

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from contest_site.celery import app as celery_app
from core.models import AuditLogEntry
from leaderboard.models import RoundResult
from operations.pipeline import round_rank
from quizzes.models import Attempt
from quizzes.services import attempt_start
from rounds.models import Disqualification, Round
from tests.factories import (
    FinishedAttemptFactory,
    ParticipantFactory,
    PrizeTierFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_tasks():
    """Run queued tasks in this process (Celery's own switch; the tasks are the real ones)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def ended_round(db):
    now = timezone.now()
    round = RoundFactory(starts_at=now - dt.timedelta(days=4), ends_at=now - dt.timedelta(hours=1))
    PrizeTierFactory(round=round, count=1, order=1)
    return round


def _round_action(client, action: str, round: Round, *, confirm: bool = True):
    data = {"action": action, ACTION_CHECKBOX_NAME: [round.pk]}
    if confirm:
        data["confirm"] = "yes"
    return client.post(reverse("admin:rounds_round_changelist"), data, follow=True)


def test_close_now_first_says_what_will_happen_to_how_many_people(organiser_client, question_bank):
    now = timezone.now()
    round = RoundFactory(starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=2))
    bystander = RoundFactory(
        contest=round.contest, starts_at=round.starts_at, ends_at=round.ends_at
    )
    people = ParticipantFactory.create_batch(12)
    for person in people[:7]:
        attempt_start(participant=person, round=round)
    for person in people[7:]:
        FinishedAttemptFactory(round=round, participant=person)
    page = _round_action(organiser_client, "close_now", round, confirm=False).content.decode()
    assert "7 người đang làm bài: bài được nộp tự động với các câu đã lưu." in page
    assert "5 người đã nộp bài sẽ được xếp hạng sau thời gian gia hạn." in page
    round.refresh_from_db()
    assert round.is_open  # nothing happened yet
    _round_action(organiser_client, "close_now", round)
    round.refresh_from_db()
    bystander.refresh_from_db()
    assert round.state == Round.State.CLOSED and not round.is_open
    assert bystander.is_open and bystander.state == Round.State.SCHEDULED


@pytest.mark.parametrize(
    ("action", "state", "line"),
    [
        ("publish_results", Round.State.RANKED, "được công khai trên trang kết quả"),
        ("unpublish_results", Round.State.PUBLISHED, "bị gỡ khỏi trang công khai"),
        ("recompute_ranking", Round.State.RANKED, "được tính lại từ bài thi đã lưu"),
    ],
)
def test_results_actions_ask_for_confirmation_first(
    organiser_client, ended_round, action, state, line
):
    Round.objects.filter(pk=ended_round.pk).update(state=state)
    page = _round_action(organiser_client, action, ended_round, confirm=False).content.decode()
    assert line in page
    ended_round.refresh_from_db()
    assert ended_round.state == state
    assert not AuditLogEntry.objects.exists()


def test_recompute_publish_and_unpublish_are_logged(organiser_client, organiser, ended_round):
    FinishedAttemptFactory(round=ended_round)
    page = _round_action(organiser_client, "recompute_ranking", ended_round)
    assert "1 người được xếp hạng" in page.content.decode()
    ended_round.refresh_from_db()
    assert ended_round.state == Round.State.RANKED
    _round_action(organiser_client, "publish_results", ended_round)
    ended_round.refresh_from_db()
    assert ended_round.state == Round.State.PUBLISHED
    assert ended_round.published_at is not None
    _round_action(organiser_client, "unpublish_results", ended_round)
    ended_round.refresh_from_db()
    assert ended_round.state == Round.State.RANKED
    actions = list(
        AuditLogEntry.objects.filter(actor=organiser)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["round_rank", "round_publish", "round_unpublish"]


def test_publishing_an_unranked_round_is_refused_with_a_message(organiser_client, ended_round):
    page = _round_action(organiser_client, "publish_results", ended_round)
    assert "Chỉ công bố được kết quả" in page.content.decode()
    ended_round.refresh_from_db()
    assert ended_round.state == Round.State.SCHEDULED


def test_a_tie_at_the_last_prize_is_reported_to_organisers(organiser_client, ended_round):
    start = ended_round.starts_at + dt.timedelta(hours=1)
    FinishedAttemptFactory.create_batch(2, round=ended_round, started_at=start)
    page = _round_action(organiser_client, "recompute_ranking", ended_round)
    assert "cần Ban Tổ chức quyết định" in page.content.decode()
    changelist = organiser_client.get(reverse("admin:rounds_round_changelist"))
    assert "Giải đồng hạng cần quyết định" in changelist.content.decode()


def test_close_now_ends_the_window_and_cuts_attempts_in_progress(
    organiser_client, organiser, open_round, attempt_in_progress, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        _round_action(organiser_client, "close_now", open_round)
    open_round.refresh_from_db()
    assert open_round.state == Round.State.CLOSED
    assert open_round.ends_at <= timezone.now()
    assert not open_round.is_open
    attempt_in_progress.refresh_from_db()
    assert attempt_in_progress.deadline == open_round.ends_at
    assert len(callbacks) == 1  # the ranking is queued for when the grace has passed
    assert AuditLogEntry.objects.filter(actor=organiser, action="round_close").exists()


def test_disqualify_asks_for_a_reason_then_reranks(
    organiser_client, organiser, ended_round, eager_tasks, django_capture_on_commit_callbacks
):
    cheat = FinishedAttemptFactory(round=ended_round, score=5)
    honest = FinishedAttemptFactory(round=ended_round, score=4)
    round_rank(round_id=ended_round.pk)
    url = reverse("admin:participants_participant_changelist")
    form = organiser_client.post(
        url, {"action": "disqualify", ACTION_CHECKBOX_NAME: [cheat.participant_id]}
    )
    assert form.status_code == 200
    assert "Lý do" in form.content.decode()
    # An empty reason is refused and nothing is saved.
    again = organiser_client.post(
        url,
        {
            "action": "disqualify",
            ACTION_CHECKBOX_NAME: [cheat.participant_id],
            "apply": "1",
            "contest": ended_round.contest_id,
            "reason": "  ",
        },
    )
    assert again.status_code == 200
    assert not Disqualification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            url,
            {
                "action": "disqualify",
                ACTION_CHECKBOX_NAME: [cheat.participant_id],
                "apply": "1",
                "contest": ended_round.contest_id,
                "reason": "Thi hộ",
            },
        )
    decision = Disqualification.objects.get()
    assert (decision.reason, decision.decided_by) == ("Thi hộ", organiser)
    assert list(
        RoundResult.objects.filter(round=ended_round).values_list("participant_id", "rank")
    ) == [(honest.participant_id, 1)]
    assert AuditLogEntry.objects.filter(actor=organiser, action="participant_disqualify").exists()
    assert Attempt.objects.filter(participant_id=cheat.participant_id).exists()


def test_adding_a_disqualification_in_its_admin_logs_and_reranks(
    organiser_client, organiser, ended_round, eager_tasks, django_capture_on_commit_callbacks
):
    cheat = FinishedAttemptFactory(round=ended_round, score=5)
    FinishedAttemptFactory(round=ended_round, score=4)
    round_rank(round_id=ended_round.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse("admin:rounds_disqualification_add"),
            {
                "contest": ended_round.contest_id,
                "participant": cheat.participant_id,
                "reason": "Nhiều tài khoản",
            },
        )
    assert response.status_code == 302
    assert Disqualification.objects.get().decided_by == organiser
    assert not RoundResult.objects.filter(participant_id=cheat.participant_id).exists()
    decision = Disqualification.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            reverse("admin:rounds_disqualification_delete", args=[decision.pk]), {"post": "yes"}
        )
    assert RoundResult.objects.get(participant_id=cheat.participant_id).rank == 1
    assert list(
        AuditLogEntry.objects.filter(actor=organiser)
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["participant_disqualify", "disqualification_delete"]


def test_correcting_a_decision_goes_through_the_service_and_reranks_both_contests(
    organiser_client, organiser, ended_round, eager_tasks, django_capture_on_commit_callbacks
):
    """The decision was entered against the wrong contest: moving it re-ranks the round it
    left (the person is back) and logs the change, by the rounds service."""
    cheat = FinishedAttemptFactory(round=ended_round, score=5)
    FinishedAttemptFactory(round=ended_round, score=4)
    other = RoundFactory(
        starts_at=ended_round.starts_at, ends_at=ended_round.ends_at, number=2
    ).contest
    round_rank(round_id=ended_round.pk)
    decision = Disqualification.objects.create(
        contest=ended_round.contest, participant=cheat.participant, reason="Thi hộ"
    )
    round_rank(round_id=ended_round.pk)
    assert not RoundResult.objects.filter(participant_id=cheat.participant_id).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse("admin:rounds_disqualification_change", args=[decision.pk]),
            {"contest": other.pk, "participant": cheat.participant_id, "reason": " Thi hộ "},
        )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.contest_id, decision.reason) == (other.pk, "Thi hộ")
    assert RoundResult.objects.get(participant_id=cheat.participant_id).rank == 1
    entry = AuditLogEntry.objects.get(actor=organiser, action="disqualification_change")
    assert entry.details == {"contest_id": other.pk, "reason": "Thi hộ"}


def test_correcting_only_the_reason_logs_it_and_reranks_nothing(
    organiser_client, organiser, ended_round, django_capture_on_commit_callbacks
):
    cheat = FinishedAttemptFactory(round=ended_round, score=5)
    decision = Disqualification.objects.create(
        contest=ended_round.contest, participant=cheat.participant, reason="Thi hộ"
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = organiser_client.post(
            reverse("admin:rounds_disqualification_change", args=[decision.pk]),
            {
                "contest": ended_round.contest_id,
                "participant": cheat.participant_id,
                "reason": "Nhiều tài khoản",
            },
        )
    assert response.status_code == 302
    assert callbacks == []
    assert AuditLogEntry.objects.filter(
        actor=organiser, action="disqualification_change", details__reason="Nhiều tài khoản"
    ).exists()


def test_the_round_page_shows_the_phase_the_list_shows(organiser_client):
    """Its window has begun, the worker has not moved the stored state yet: the change page
    says "Đang diễn ra" like the list, not the stored "Sắp diễn ra"."""
    round = RoundFactory()
    assert round.state == Round.State.SCHEDULED and round.phase == Round.State.OPEN
    page = organiser_client.get(reverse("admin:rounds_round_change", args=[round.pk]))
    text = page.content.decode()
    assert "Đang diễn ra" in text and "Sắp diễn ra" not in text
