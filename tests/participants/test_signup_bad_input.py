"""Property-based (Hypothesis): the sign-up form with one or more fields replaced by malformed,
oversized or wrong-typed values, or by another person's CCCD: a 400 with Vietnamese errors,
never a 500, no account created, nobody else's row changed."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participants import sms
from participants.models import Participant, User
from tests.factories import ParticipantFactory, UnitFactory
from tests.participants.test_views import _signup_data

pytestmark = pytest.mark.django_db

VIETNAMESE = set("ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữựìíỉĩịòóỏõọùúủũụỳýỷỹỵ")

hostile_text = st.one_of(
    st.just(""),
    st.text(max_size=40).map(lambda t: t.replace("\x00", "")),
    st.text(min_size=300, max_size=3000).map(lambda t: t.replace("\x00", "")),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "null", "[]", "{}", "９９"]),
)


# Digits of other scripts (full-width "１", Arabic-Indic "٨", "²") in a number that would
# otherwise be valid, or anything that is not a mobile number.
hostile_phones = st.builds(
    lambda position, digit: "0987654321"[:position] + digit + "0987654321"[position + 1 :],
    st.integers(min_value=1, max_value=9),
    st.sampled_from("１２３９٨٣۵²³०१"),
) | hostile_text.filter(lambda v: not v.strip().isdigit())


@pytest.fixture
def world(db):
    sms.outbox.clear()
    other = ParticipantFactory(cccd="038190099999")
    return {"unit": UnitFactory(), "other": other}


def _snapshot():
    return (
        list(User.objects.order_by("pk").values()),
        list(Participant.objects.order_by("pk").values()),
    )


@override_settings(ACCOUNT_RATE_LIMITS=False)
@given(data=st.data())
@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_signup_refuses_bad_input_clearly(world, data):
    form = _signup_data(world["unit"])
    fields = [
        "full_name",
        "date_of_birth",
        "gender",
        "unit",
        "cccd",
        "password2",
        "consent",
        "phone",
    ]
    broken = data.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3, unique=True))
    for name in broken:
        if name == "cccd":
            value = data.draw(
                st.sampled_from([world["other"].cccd, "12345", "abcdefghijkl"]) | hostile_text
            )
            if value == "" or (value.isascii() and value.isdigit() and len(value) == 12):
                value = world["other"].cccd  # the optional CCCD, only ever another person's
        elif name == "phone":
            # Digits of other scripts (full-width "１", Arabic-Indic "٨", "²") in a number
            # that would otherwise be valid, or anything that is not a mobile number.
            value = data.draw(
                st.builds(
                    lambda position, digit: (
                        "0987654321"[:position] + digit + "0987654321"[position + 1 :]
                    ),
                    st.integers(min_value=1, max_value=9),
                    st.sampled_from("１２３９٨٣۵²³०१"),
                )
                | hostile_text.filter(lambda v: not v.strip().isdigit())
            )
        elif name == "consent":
            value = ""
        elif name == "password2":
            value = data.draw(hostile_text) + "-khac"
        elif name == "full_name":
            value = data.draw(st.sampled_from(["", " ", "A", "x" * 121]))
        elif name == "gender":
            value = data.draw(hostile_text.filter(lambda v: v not in ("male", "female", "other")))
        elif name == "unit":
            # Not an existing unit: a number far past any id, or anything but a number.
            value = data.draw(
                st.sampled_from(["999999999", str(2**70), "-1"])
                | hostile_text.filter(lambda v: not v.strip().lstrip("+-").isdigit())
            )
        else:
            value = data.draw(hostile_text)
        form[name] = value
    before = _snapshot()
    response = Client().post(reverse("account_signup"), form)
    assert response.status_code == 400, (broken, response.status_code)
    page = response.content.decode()
    assert "errorlist" in page
    assert any(ch in VIETNAMESE for ch in page.lower())
    assert _snapshot() == before
    assert not sms.outbox


@override_settings(ACCOUNT_RATE_LIMITS=False)
@given(phone=hostile_phones)
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_signup_with_only_the_phone_wrong_is_refused_clearly(world, phone):
    before = _snapshot()
    response = Client().post(reverse("account_signup"), _signup_data(world["unit"], phone=phone))
    assert response.status_code == 400, (phone, response.status_code)
    assert "Số điện thoại" in response.content.decode()
    assert _snapshot() == before
    assert not sms.outbox
