"""The phone number is the login and where password-reset codes go: only a superuser changes
it (or moves a profile onto another account) in the admin, and that change is audit-logged.
An organiser holding the personal-data permission sees the number but cannot change it, not
even by posting the field."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.audit import audit_action_label
from core.models import AuditLogEntry
from participants.models import Participant, User
from participants.services import ORGANISER_GROUP, PERSONAL_DATA_GROUP
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-an-toan-2024"


@pytest.fixture
def people() -> list[Participant]:
    return [
        ParticipantFactory(user=UserFactory(phone=f"+8498765430{n}"), full_name=f"Người {n}")
        for n in range(6)
    ]


@pytest.fixture
def personal_data_organiser():
    user = UserFactory(phone="+84900000011", is_staff=True)
    user.groups.add(
        Group.objects.get(name=ORGANISER_GROUP), Group.objects.get(name=PERSONAL_DATA_GROUP)
    )
    return user


def _user_form(user: User, **overrides) -> dict:
    data = {
        "phone": "0911 222 333",
        "phone_verified": "on",
        "email": "moi@example.com",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "01/01/2024",
        "date_joined_1": "08:00:00",
    }
    return {**data, **overrides}


def _phones() -> dict[int, str]:
    return dict(User.objects.values_list("pk", "phone"))


def _log_in(client, typed: str) -> bool:
    """Log in through the site's login page, typing the number as people do."""
    client.logout()
    response = client.post(reverse("account_login"), {"login": typed, "password": PASSWORD})
    return response.status_code == 302


def test_an_organiser_with_personal_data_sees_the_number_but_cannot_change_it(
    client, personal_data_organiser, people
):
    target = people[2]
    client.force_login(personal_data_organiser)
    url = reverse("admin:participants_user_change", args=[target.user.pk])
    page = client.get(url).content.decode()
    assert "0987 654 302" in page  # full data: the number is shown…
    assert 'name="phone"' not in page  # …but not as a field
    assert "chỉ quản trị viên cấp cao (superuser) được đổi" in page
    before = _phones()

    response = client.post(url, _user_form(target.user))

    assert response.status_code == 302, response.content.decode()[:2000]
    target.user.refresh_from_db()
    assert target.user.email == "moi@example.com"  # the rest of the form was saved
    assert _phones() == before  # the posted number was ignored, for everyone
    assert not AuditLogEntry.objects.filter(action="account_phone_change").exists()
    # The owner still logs in with their number; the posted one is nobody's.
    assert _log_in(client, "0987 654 302")
    assert not _log_in(client, "0911222333")


def test_an_organiser_without_personal_data_cannot_change_it_either(organiser_client, people):
    target = people[0]
    profile = reverse("admin:participants_participant_change", args=[target.pk])
    page = organiser_client.get(profile).content.decode()
    rows = [row.split('"')[0] for row in page.split('class="form-row field-')[1:]]
    # The account first, read-only; each masked field once.
    assert rows[0] == "user" and 'name="user"' not in page
    assert rows.count("cccd_masked") == 1 and rows.count("date_of_birth_masked") == 1
    before = _phones()
    url = reverse("admin:participants_user_change", args=[target.user.pk])
    assert organiser_client.post(url, _user_form(target.user)).status_code == 302
    assert _phones() == before


def test_an_organiser_cannot_move_a_profile_onto_another_account(
    client, personal_data_organiser, people
):
    own_account = UserFactory(phone="+84911222333")  # a number the organiser holds
    target = people[1]
    client.force_login(personal_data_organiser)
    url = reverse("admin:participants_participant_change", args=[target.pk])
    page = client.get(url).content.decode()
    assert 'name="user"' not in page
    form = {
        "user": own_account.pk,
        "full_name": "Người 1 (đã sửa)",
        "date_of_birth": "01/01/1990",
        "gender": "male",
        "unit": target.unit_id,
        "locality": "",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert target.full_name == "Người 1 (đã sửa)"
    assert target.user_id == people[1].user_id
    assert dict(Participant.objects.values_list("pk", "user_id")) == {
        person.pk: person.user_id for person in people
    }


def test_a_superusers_change_of_the_number_is_logged_and_takes_effect(client, people):
    superuser = UserFactory(phone="+84900000012", is_staff=True, is_superuser=True)
    target, bystanders = people[3], people[:3] + people[4:]
    before = _phones()
    client.force_login(superuser)
    url = reverse("admin:participants_user_change", args=[target.user.pk])
    assert 'name="phone"' in client.get(url).content.decode()

    response = client.post(url, _user_form(target.user, phone="84911 222 333"))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert _phones() == {**before, target.user.pk: "+84911222333"}
    entry = AuditLogEntry.objects.get(action="account_phone_change")
    assert entry.actor == superuser and entry.target_id == str(target.user.pk)
    # Masked: organisers without the personal-data permission read the log.
    assert entry.details == {"previous_phone": "09******03", "new_phone": "09******33"}
    assert audit_action_label("account_phone_change") == "Đổi số điện thoại đăng nhập"
    # The person now logs in with the new number, however it is typed; the old one is gone.
    for typed in ("0911 222 333", "+84911222333", "84911222333"):
        assert _log_in(client, typed)
    assert not _log_in(client, "0987654303")
    for person in bystanders:
        assert _log_in(client, f"0{person.user.phone[3:]}")
    # Saving the page again without a new number logs nothing more.
    client.force_login(superuser)
    client.post(url, _user_form(target.user, phone="0911222333"))
    assert AuditLogEntry.objects.filter(action="account_phone_change").count() == 1
