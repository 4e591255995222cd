"""Property-based (Hypothesis): malformed, oversized and wrong-typed input and other people's
attempt, question and option ids thrown at the start, autosave and submit endpoints. Always a
4xx with a Vietnamese message (JSON {error, code} for the autosave), never a 500, and never a
change to anyone else's rows."""

import json
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants.models import Participant, User
from quizzes.models import Attempt, AttemptAnswer
from quizzes.selectors import choice_token, question_contents
from quizzes.services import attempt_start
from quizzes.views import SAVE_MAX_BYTES
from tests.factories import ParticipantFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning"),
]

EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
VIETNAMESE = set("ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữựìíỉĩịòóỏõọùúủũụỳýỷỹỵ")

# Any JSON value, nested a little.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
big_ints = st.integers(min_value=-(2**70), max_value=2**70)


def _snapshot(participant: Participant) -> tuple:
    """Everything stored about a person that an attacker could try to change."""
    return (
        list(User.objects.filter(pk=participant.user_id).values()),
        list(Participant.objects.filter(pk=participant.pk).values()),
        list(Attempt.objects.filter(participant=participant).order_by("pk").values()),
        list(
            AttemptAnswer.objects.filter(attempt__participant=participant).order_by("pk").values()
        ),
    )


def _is_vietnamese(text: str) -> bool:
    return any(ch in VIETNAMESE for ch in text.lower())


@pytest.fixture
def scene(open_round):
    """An attacker signed in with an attempt in progress; a victim with an attempt in progress
    and one saved answer."""
    attacker = ParticipantFactory()
    victim = ParticipantFactory()
    own = attempt_start(participant=attacker, round=open_round).attempt
    theirs = attempt_start(participant=victim, round=open_round).attempt
    row = theirs.answers.order_by("position").first()
    content = question_contents(question_ids=[row.question_id])[row.question_id]
    victim_token = choice_token(attempt_id=theirs.pk, choice_id=min(content.choices))
    client = Client()
    client.force_login(attacker.user)
    own_questions = list(own.answers.values_list("question_id", flat=True))
    own_row = own.answers.order_by("position").first()
    own_content = question_contents(question_ids=[own_row.question_id])[own_row.question_id]
    tokens = [victim_token, "0" * 16] + [
        choice_token(attempt_id=own.pk, choice_id=choice_id) for choice_id in own_content.choices
    ]
    their_questions = list(theirs.answers.values_list("question_id", flat=True))
    return {
        "own_question": own_row.question_id,
        "client": client,
        "attacker": attacker,
        "victim": victim,
        "own": own,
        "theirs": theirs,
        "victim_token": victim_token,
        "tokens": tokens,
        "question_ids": own_questions + their_questions,
        "round": open_round,
    }


def _assert_json_refusal(response):
    assert 400 <= response.status_code < 500, response.content[:300]
    body = response.json()
    assert set(body) == {"error", "code"}
    assert body["code"] and _is_vietnamese(body["error"])


def _assert_page_refusal(response):
    assert 400 <= response.status_code < 500, response.content[:300]
    assert _is_vietnamese(response.content.decode())


@override_settings(RATE_LIMITS_ENABLED=False)
@given(data=st.data())
@EXAMPLES
def test_autosave_refuses_bad_input_and_never_touches_others(scene, data):
    before = _snapshot(scene["victim"])
    own_before = Attempt.objects.filter(pk=scene["own"].pk).values("state").get()
    target = data.draw(
        st.sampled_from(["own"] * 6 + ["theirs", "theirs", "missing", "huge"]), label="attempt"
    )
    if target == "huge":
        target = data.draw(big_ints.map(abs), label="attempt id")
    attempt_id = {
        "theirs": scene["theirs"].pk,
        "own": scene["own"].pk,
        "missing": scene["theirs"].pk + 10_000,
    }.get(target, target)
    kind = data.draw(st.sampled_from(["json", "bytes"] + ["payload"] * 6))
    if kind == "json":
        body = json.dumps(data.draw(json_values, label="value")).encode()
    elif kind == "bytes":
        body = data.draw(st.binary(max_size=200), label="bytes")
    else:
        # A well-formed save with one or two fields replaced by hostile values or removed,
        # so the checks past the parsing are reached too.
        payload = {
            "seq": data.draw(st.integers(min_value=1, max_value=10**6), label="seq"),
            "question": scene["own_question"],
            "choices": data.draw(st.lists(st.sampled_from(scene["tokens"]), max_size=3)),
        }
        if data.draw(st.booleans(), label="prediction instead"):
            del payload["question"], payload["choices"]
            payload["prediction"] = data.draw(st.integers(min_value=0, max_value=10**7))
        hostile = {
            "seq": st.integers(min_value=-3, max_value=0) | big_ints | json_values,
            "question": st.sampled_from(scene["question_ids"])
            | st.sampled_from(scene["question_ids"]).map(str)
            | big_ints
            | json_values,
            "choices": st.lists(st.sampled_from(scene["tokens"]) | st.text(max_size=20), max_size=4)
            | json_values,
            "prediction": st.integers(min_value=10**7 + 1)
            | st.integers(max_value=-1)
            | json_values,
        }
        for key in data.draw(st.lists(st.sampled_from(sorted(hostile)), min_size=1, max_size=2)):
            if data.draw(st.integers(min_value=0, max_value=3), label=f"drop {key}") == 0:
                payload.pop(key, None)
            else:
                payload[key] = data.draw(hostile[key], label=key)
        body = json.dumps(payload).encode()
    response = scene["client"].generic(
        "POST",
        reverse("quizzes:save", args=[attempt_id]),
        data=body,
        content_type="application/json",
    )
    if response.status_code == 200:
        # Only a well-formed save of the attacker's own attempt may succeed.
        assert attempt_id == scene["own"].pk
    else:
        _assert_json_refusal(response)
        if attempt_id != scene["own"].pk:
            assert response.status_code in (400, 404)
    assert _snapshot(scene["victim"]) == before
    assert Attempt.objects.filter(pk=scene["own"].pk).values("state").get() == own_before


@override_settings(RATE_LIMITS_ENABLED=False)
@given(size=st.integers(min_value=SAVE_MAX_BYTES + 1, max_value=8 * 1024 * 1024))
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_autosave_refuses_oversized_bodies_early(scene, size):
    before = _snapshot(scene["victim"])
    # The declared length alone is refused: the body is not read.
    declared = scene["client"].generic(
        "POST",
        reverse("quizzes:save", args=[scene["own"].pk]),
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(size),
    )
    assert declared.status_code == 413
    assert declared.json()["code"] == "too_large"
    assert "quá lớn" in declared.json()["error"]
    actual = scene["client"].generic(
        "POST",
        reverse("quizzes:save", args=[scene["own"].pk]),
        data=b" " * min(size, 64 * 1024) + b"{}",
        content_type="application/json",
    )
    assert actual.status_code == 413
    assert _snapshot(scene["victim"]) == before


@override_settings(RATE_LIMITS_ENABLED=False)
@given(data=st.data())
@EXAMPLES
def test_submit_refuses_bad_input_and_never_touches_others(scene, data):
    before = _snapshot(scene["victim"])
    target = data.draw(st.sampled_from(["theirs", "missing", "own"]), label="attempt")
    attempt_id = {
        "theirs": scene["theirs"].pk,
        "own": scene["own"].pk,
        "missing": scene["theirs"].pk + 10_000,
    }[target]
    question_id = data.draw(st.sampled_from(scene["question_ids"]) | big_ints, label="question")
    fields = data.draw(
        st.one_of(
            # An option token that is not one of the question's options in this attempt.
            st.just(
                {f"q{abs(question_id)}": data.draw(st.sampled_from([scene["victim_token"], "x"]))}
            ),
            # A prediction that is not a whole number in range.
            st.text(min_size=1, max_size=30)
            .filter(lambda t: not re.fullmatch(r"[0-9]+", t.strip().replace(".", "")))
            .map(lambda t: {"prediction": t}),
            # Digits that str.isdigit() accepts but are not 0-9: "²", "１２", "٣".
            st.lists(st.sampled_from("0123456789²³¹１２٣۵०"), min_size=1, max_size=8)
            .filter(lambda chars: not set(chars) <= set("0123456789"))
            .map(lambda chars: {"prediction": "".join(chars)}),
            st.integers(min_value=10_000_001, max_value=10**30).map(
                lambda n: {"prediction": str(n)}
            ),
        ),
        label="fields",
    )
    fields = {k: v.replace("\x00", "") for k, v in fields.items()}
    response = scene["client"].post(reverse("quizzes:submit", args=[attempt_id]), fields)
    if target != "own":
        # Refused before anything is read or written: the posted options are checked first
        # (400) when they are malformed, else the attempt is not the person's (404).
        assert response.status_code in (400, 404)
    _assert_page_refusal(response)
    assert _snapshot(scene["victim"]) == before
    assert Attempt.objects.get(pk=scene["own"].pk).state == Attempt.State.IN_PROGRESS


@override_settings(RATE_LIMITS_ENABLED=False)
@given(round_id=big_ints.map(abs))
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_start_with_unknown_rounds_is_a_vietnamese_404(scene, round_id):
    if round_id == scene["round"].pk:
        return
    before = _snapshot(scene["victim"])
    response = scene["client"].post(reverse("quizzes:start", args=[round_id]))
    assert response.status_code == 404
    _assert_page_refusal(response)
    assert _snapshot(scene["victim"]) == before
    assert Attempt.objects.filter(participant=scene["attacker"]).count() == 1


@override_settings(RATE_LIMITS_ENABLED=False)
def test_other_peoples_attempt_pages_are_404(scene):
    client = scene["client"]
    for name in ("quizzes:attempt", "quizzes:result"):
        response = client.get(reverse(name, args=[scene["theirs"].pk]))
        assert response.status_code == 404
        _assert_page_refusal(response)
