import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from participants.models import User
from participants.phones import mask_phone, national_format, normalize_phone
from tests.factories import ParticipantFactory


@pytest.mark.parametrize(
    "raw", ["0912345678", "0912 345 678", "+84 912 345 678", "84912345678", "0084912345678"]
)
def test_phone_numbers_normalise_to_one_form(raw):
    assert normalize_phone(raw) == "+84912345678"


@pytest.mark.parametrize("raw", ["", "012345678", "0212345678", "091234567", "+1 202 555 0100"])
def test_non_mobile_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_phone_display_and_mask():
    assert national_format("+84912345678") == "0912 345 678"
    assert mask_phone("+84912345678") == "09******78"


@pytest.mark.django_db
def test_database_refuses_a_duplicate_phone():
    User.objects.create_user("0912345678", password="x")
    with pytest.raises(IntegrityError):
        User.objects.create_user("+84 912 345 678", password="y")


@pytest.mark.django_db
def test_database_refuses_a_malformed_phone():
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=User.objects.create_user("0912345678").pk).update(phone="12345")


@pytest.mark.django_db
def test_cccd_is_unique_when_given_and_twelve_digits():
    ParticipantFactory(cccd=None)
    ParticipantFactory(cccd=None)  # several people without a CCCD are fine
    ParticipantFactory(cccd="038090001234")
    with pytest.raises(IntegrityError):
        ParticipantFactory(cccd="038090001234")


@pytest.mark.django_db
def test_cccd_must_have_twelve_digits():
    with pytest.raises(IntegrityError):
        ParticipantFactory(cccd="12345")
