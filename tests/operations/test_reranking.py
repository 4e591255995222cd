"""Re-ranking is queued in one place (operations.tasks.rounds_rerank_queue): after commit, by
the task itself, once per round."""

import json

import pytest
import redis
from django.conf import settings
from django.db import transaction

from operations.tasks import rounds_rerank_queue

# The queue's key, under this checkout's and worker's prefix (contest_site/settings/test.py).
QUEUE = settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] + "celery"


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(QUEUE)
    yield client
    client.delete(QUEUE)


def _queued(client) -> list[tuple[str, str]]:
    messages = [json.loads(raw) for raw in client.lrange(QUEUE, 0, -1)]
    return sorted((m["headers"]["task"], m["headers"]["argsrepr"]) for m in messages)


@pytest.mark.django_db(transaction=True)
def test_a_rerank_reaches_the_broker_only_after_commit_once_per_round(broker):
    with transaction.atomic():
        rounds_rerank_queue(round_ids=[7, 3, 7])
        assert _queued(broker) == []
    assert _queued(broker) == [("operations.round_rank", "(3,)"), ("operations.round_rank", "(7,)")]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_decision_queues_nothing(broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        rounds_rerank_queue(round_ids=[3])
        raise RuntimeError("the decision failed")
    assert _queued(broker) == []
