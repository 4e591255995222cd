"""End to end: a real `celery worker` process, a Redis broker, the sweep sent by name."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.health import heartbeat_last
from leaderboard.models import RoundResult
from operations.health import SWEEP_HEARTBEAT
from quizzes.models import Attempt
from rounds.models import Round
from tests.factories import FinishedAttemptFactory, ParticipantFactory, RoundFactory

# The test Redis; every broker key under this checkout's and worker's prefix (settings.test).
BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL") or settings.CELERY_BROKER_URL
BROKER_PREFIX = settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"]
ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


@pytest.fixture
def worker(transactional_db):
    broker = redis.Redis.from_url(BROKER_URL)
    stale = list(broker.scan_iter(match=BROKER_PREFIX + "*"))
    if stale:
        broker.unlink(*stale)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "contest_site.settings.test",
        "TEST_DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
    }
    process = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "contest_site",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)  # shown by pytest when the test fails


def _wait_for(condition, *, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.celery_worker
def test_a_real_worker_runs_the_sweep_end_to_end(worker):
    now = timezone.now()
    round = RoundFactory(
        starts_at=now - timezone.timedelta(days=4), ends_at=now - timezone.timedelta(minutes=5)
    )
    FinishedAttemptFactory(round=round, score=5)
    left_open = Attempt.objects.create(
        participant=ParticipantFactory(),
        round=round,
        number=1,
        started_at=round.ends_at - timezone.timedelta(minutes=3),
        deadline=round.ends_at,
        question_count=5,
    )
    # Not the current app: later tests send tasks through the project's own app.
    producer = Celery("contest-test-producer", broker=BROKER_URL, set_as_current=False)
    producer.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    producer.send_task("operations.sweep")

    def ranked() -> bool:
        return Round.objects.filter(pk=round.pk, state=Round.State.RANKED).exists()

    assert _wait_for(ranked), "the worker did not rank the round"
    left_open.refresh_from_db()
    assert left_open.state == Attempt.State.AUTO_SUBMITTED
    assert left_open.submitted_at == round.ends_at
    assert RoundResult.objects.filter(round=round).count() == 2
    assert heartbeat_last(name=SWEEP_HEARTBEAT) is not None

    # "operations.round_rank" by name, as other parts of the site send it: same result set.
    before = list(RoundResult.objects.filter(round=round).values_list("participant_id", "rank"))
    RoundResult.objects.filter(round=round).delete()
    producer.send_task("operations.round_rank", args=[round.pk])
    assert _wait_for(lambda: RoundResult.objects.filter(round=round).count() == 2)
    assert (
        list(RoundResult.objects.filter(round=round).values_list("participant_id", "rank"))
        == before
    )
