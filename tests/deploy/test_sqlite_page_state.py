"""The quiz page's state query on the embedded default (SQLite, `make run`): its answers are
aggregated by SQLite's JSON functions there (quizzes.selectors._ANSWERS_JSON), and it is a
plain statement (core.db.prepared prepares only on PostgreSQL). The same checks as
tests/quizzes/test_page_state.py, and the page shows what is saved."""

import json

from tests.deploy.test_sqlite_default import _embedded_environment, _manage

CHECKS = """
import json
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.test.utils import CaptureQueriesContext
from quizzes.models import AttemptAnswer
from quizzes.selectors import attempt_page_state, choice_token
from quizzes.services import attempt_start
from tests.factories import ParticipantFactory, QuestionFactory, RoundFactory
from tests.quizzes.test_page_state import attempt_with_answers, expected_page_state, page_state_of

results = {"vendor": connection.vendor}
attempt = attempt_with_answers()
with CaptureQueriesContext(connection) as captured:
    state = page_state_of(attempt)
results["statements"] = [query["sql"].split(None, 1)[0] for query in captured.captured_queries]
results["same"] = state == expected_page_state(attempt.pk)
results["answers"] = sorted([seq, len(selected)] for selected, seq in state.answers.values())
results["prediction"] = [state.prediction, state.prediction_seq]
results["other"] = attempt_page_state(attempt_id=attempt.pk, user_id=ParticipantFactory().user_id)

QuestionFactory.create_batch(5)
bare = attempt_start(participant=ParticipantFactory(), round=RoundFactory()).attempt
results["fresh"] = page_state_of(bare) == expected_page_state(bare.pk)
AttemptAnswer.objects.filter(attempt=bare).delete()
results["no rows"] = [page_state_of(bare).answers, page_state_of(bare) == expected_page_state(bare.pk)]

client = Client()
client.force_login(attempt.participant.user)
page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
checked = sorted(
    choice_token(attempt_id=attempt.pk, choice_id=choice_id)
    for selected, _ in state.answers.values()
    for choice_id in selected
)
results["checked"] = [len(checked), sum(f'value="{token}" checked' in page for token in checked)]
results["checked on page"] = page.count(" checked")
print(json.dumps(results))
"""


def test_page_state_on_sqlite(tmp_path):
    env = {**_embedded_environment(tmp_path), "ALLOWED_HOSTS": "testserver"}
    _manage(env, "migrate", "--noinput")
    results = json.loads(_manage(env, "shell", "-c", CHECKS).strip().splitlines()[-1])
    assert results["vendor"] == "sqlite"
    assert results["statements"] == ["SELECT"]  # one plain statement
    assert results["same"] is True
    assert results["answers"] == [[0, 0], [0, 0], [2, 0], [3, 1], [5, 4]]
    assert results["prediction"] == [1234, 7]
    assert results["other"] is None
    assert results["fresh"] is True
    assert results["no rows"] == [{}, True]
    assert results["checked"] == [5, 5]  # the five options saved, and only they
    assert results["checked on page"] == 5
