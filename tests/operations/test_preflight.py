"""The pre-flight page of a round and the alert before a round opens with a failing check."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from operations.preflight import preflight_alerts_send, preflight_failures, round_preflight
from quizzes.models import AttemptAnswer, Difficulty, DrawRule
from tests.factories import (
    AnsweredLaterAttemptFactory,
    ContestFactory,
    PrizeTierFactory,
    QuestionFactory,
    RoundFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def _next_week_round(**contest):
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    start += dt.timedelta(days=7)
    contest.setdefault("organiser_name", "Ban Tổ chức")
    return RoundFactory(
        contest=ContestFactory(questions_per_attempt=3, **contest),
        starts_at=start,
        ends_at=start + dt.timedelta(days=4),
    )


def test_a_ready_round_passes_every_check(settings, organiser_client):
    settings.SITE_URL = "https://thi.thanhhoa.gov.vn"
    round = _next_week_round()
    PrizeTierFactory(round=round, order=1, name="Giải Nhất", count=1)
    topic = TopicFactory()
    QuestionFactory.create_batch(3, topic=topic, difficulty=Difficulty.EASY)
    DrawRule.objects.create(round=round, topic=None, difficulty=Difficulty.EASY, count=3)
    assert preflight_failures(checks=round_preflight(round=round)) == []
    page = organiser_client.get(reverse("admin:rounds_round_preflight", args=[round.pk]))
    assert "Mọi mục đều đạt: đợt thi sẵn sàng mở." in page.content.decode()


def test_failing_checks_are_listed_and_linked_from_the_round_page(settings, organiser_client):
    settings.SITE_URL = "http://127.0.0.1:8000"
    round = _next_week_round(is_active=False, is_current=False, organiser_name="")
    topic = TopicFactory(name="An toàn thông tin")
    QuestionFactory.create_batch(2, topic=topic, difficulty=Difficulty.HARD)
    DrawRule.objects.create(round=round, topic=topic, difficulty=Difficulty.HARD, count=3)
    failing = {check.title for check in preflight_failures(checks=round_preflight(round=round))}
    assert failing == {
        "Cuộc thi đã công bố",
        "Đủ câu hỏi cho từng quy tắc rút câu hỏi",
        "Cơ cấu giải",
        "Giấy chứng nhận và địa chỉ trang (SITE_URL)",
    }
    page = organiser_client.get(
        reverse("admin:rounds_round_preflight", args=[round.pk])
    ).content.decode()
    assert "4 mục chưa đạt" in page
    assert "không dùng https" in page
    change = organiser_client.get(
        reverse("admin:rounds_round_change", args=[round.pk])
    ).content.decode()
    assert reverse("admin:rounds_round_preflight", args=[round.pk]) in change
    assert "(4 mục chưa đạt)" in change


def test_questions_whose_keys_were_shown_in_an_earlier_round_are_counted(settings):
    settings.SITE_URL = "https://thi.thanhhoa.gov.vn"
    round = _next_week_round()
    shown = QuestionFactory()
    QuestionFactory()  # never drawn
    earlier = RoundFactory(
        contest=round.contest,
        starts_at=round.starts_at - dt.timedelta(days=14),
        ends_at=round.starts_at - dt.timedelta(days=10),
    )
    attempt = AnsweredLaterAttemptFactory(round=earlier)
    AttemptAnswer.objects.create(attempt=attempt, question=shown, position=1, choice_order=[])
    checks = {check.title: check for check in round_preflight(round=round)}
    revealed = checks["Câu hỏi đã lộ đáp án ở đợt trước"]
    assert not revealed.ok and not revealed.blocking
    assert revealed.details[0].startswith("1 câu")


def test_organisers_are_mailed_once_about_a_round_opening_within_a_day(settings, organiser):
    settings.SITE_URL = "https://thi.thanhhoa.gov.vn"
    organiser.email = "btc@thanhhoa.gov.vn"
    organiser.save()
    now = timezone.now()
    soon = RoundFactory(
        contest=ContestFactory(organiser_name="BTC"),
        starts_at=now + dt.timedelta(hours=10),
        ends_at=now + dt.timedelta(days=4),
    )
    RoundFactory(  # opens in two days: not yet
        contest=soon.contest,
        starts_at=now + dt.timedelta(days=5),
        ends_at=now + dt.timedelta(days=8),
    )
    assert preflight_alerts_send(now=now) == [soon.pk]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["btc@thanhhoa.gov.vn"]
    assert soon.name in message.subject and "Cơ cấu giải" in message.body
    assert reverse("admin:rounds_round_preflight", args=[soon.pk]) in message.body
    assert preflight_alerts_send(now=now) == []  # once
    assert len(mail.outbox) == 1


def test_beat_runs_the_alert_every_hour(settings):
    from contest_site.celery import app

    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "operations.preflight_alerts"
    )
    assert entry["schedule"] == 3600.0
    assert "operations.preflight_alerts" in app.tasks
