"""Out-of-range numbers on the embedded default (SQLite, `make run`): SQLite's driver raises
OverflowError for integers past 64 bits where PostgreSQL compares them, so each of these answered
500 there only. Every one is a Vietnamese 4xx."""

import json

from tests.deploy.test_sqlite_default import _embedded_environment, _manage

PROBES = """
import io, json
from django.test import Client
from django.urls import reverse
from participants.models import Unit
from quizzes.services import attempt_start
from tests.factories import ContestFactory, ParticipantFactory, QuestionFactory, RoundFactory, UserFactory

QuestionFactory.create_batch(25)
round = RoundFactory(contest=ContestFactory(questions_per_attempt=20))
person = ParticipantFactory()
attempt = attempt_start(participant=person, round=round).attempt
client = Client(raise_request_exception=False)
client.force_login(person.user)
admin = Client(raise_request_exception=False)
admin.force_login(UserFactory(is_staff=True, is_superuser=True))
save = reverse("quizzes:save", args=[attempt.pk])
submit = reverse("quizzes:submit", args=[attempt.pk])
huge = 10**40
results = {}

def probe(name, response):
    results[name] = [response.status_code, response.content.decode()]

for name, body in {
    "question": {"question": huge, "choices": [], "seq": 1},
    "negative question": {"question": -huge, "choices": [], "seq": 1},
    "seq": {"question": 1, "choices": [], "seq": huge},
    "prediction": {"prediction": huge, "seq": 1},
}.items():
    probe("save " + name, client.post(save, json.dumps(body), content_type="application/json"))
probe("submit prediction ²", client.post(submit, {"prediction": "²"}))
probe("submit question key", client.post(submit, {"q" + str(huge): "x"}))
probe("start", client.post(reverse("quizzes:start", args=[huge])))
probe("attempt page", client.get(reverse("quizzes:attempt", args=[huge])))
upload = io.BytesIO("Mã đơn vị,Tên đơn vị,Mã đơn vị cấp trên,Loại,Số người\\na,A,,,9999999999\\n".encode())
upload.name = "don-vi.csv"
probe("unit import headcount", admin.post(reverse("admin:participants_unit_import"), {"file": upload}))
probe("unit form headcount", admin.post(reverse("admin:participants_unit_add"), {
    "code": "b", "name": "B", "kind": "office", "headcount": "9999999999", "sort_order": "0",
    "is_active": "on",
}))
results["units"] = [Unit.objects.filter(code__in=["a", "b"]).count(), ""]
print(json.dumps(results))
"""


def test_out_of_range_numbers_are_clear_4xx_on_sqlite(tmp_path):
    env = {**_embedded_environment(tmp_path), "ALLOWED_HOSTS": "testserver"}
    _manage(env, "migrate", "--noinput")
    output = _manage(env, "shell", "-c", PROBES)
    results = json.loads(output.strip().splitlines()[-1])
    assert results.pop("units")[0] == 0  # nothing saved
    # Django's admin answers its change form's errors with 200 and the form.
    form_status, form_page = results.pop("unit form headcount")
    assert form_status == 200 and "Số người của một đơn vị tối đa là 10.000.000" in form_page
    statuses = {name: status for name, (status, _page) in results.items()}
    assert all(400 <= status < 500 for status in statuses.values()), statuses
    assert "số người tối đa là 10.000.000" in results["unit import headcount"][1]
    assert "Dữ liệu gửi lên không hợp lệ" in json.loads(results["save question"][1])["error"]
    assert "Số dự đoán phải là số nguyên" in results["submit prediction ²"][1]
