"""Admin search by phone and CCCD (issue 14, point 5; issue 15, "People"): any spelling of a
whole number finds the person; parts of numbers find nothing without the personal-data
permission; every such search is audit-logged, without the number itself."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import AuditLogEntry
from participants.services import PERSONAL_DATA_GROUP
from tests.factories import FinishedAttemptFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

SPELLINGS = ["0987650001", "84987650001", "+84987650001", "0987 650 001", " 098.765.0001 "]


@pytest.fixture
def people():
    target = ParticipantFactory(
        user=UserFactory(phone="+84987650001"), full_name="Hoàng Thị Cần Tìm", cccd="038190012345"
    )
    # Bystanders sharing digits with the target, who must not come up for a whole number.
    others = [
        ParticipantFactory(user=UserFactory(phone=f"+8498765000{n}"), full_name=f"Người Khác {n}")
        for n in (2, 3, 4)
    ]
    FinishedAttemptFactory(participant=target)
    return target, others


def _changelist(client, name, term):
    page = client.get(reverse(f"admin:{name}_changelist"), {"q": term})
    assert page.status_code == 200
    return page.content.decode()


ADMINS = [
    "participants_participant",
    "participants_user",
    "quizzes_attempt",
]


@pytest.mark.parametrize("term", SPELLINGS)
def test_any_spelling_of_a_whole_phone_finds_the_person(organiser_client, people, term):
    target, others = people
    page = _changelist(organiser_client, "participants_participant", term)
    assert "Hoàng Thị Cần Tìm" in page
    assert not any(other.full_name in page for other in others)
    entry = AuditLogEntry.objects.get(action="personal_data_search")
    assert entry.details["kind"] == "phone" and entry.details["found_ids"] == [target.pk]
    assert "987650001" not in str(entry.details)


@pytest.mark.parametrize("name", ADMINS)
def test_parts_of_numbers_find_nothing_without_the_permission(organiser_client, people, name):
    target, _others = people
    # The account list shows the account (masked phone), the others the person's name.
    marker = (
        reverse("admin:participants_user_change", args=[target.user.pk])
        if name == "participants_user"
        else "Hoàng Thị Cần Tìm"
    )
    for part in ("0987", "98765", "650001", "0381900", "12345", "+8498765", "84987"):
        assert marker not in _changelist(organiser_client, name, part), (name, part)
    assert marker in _changelist(organiser_client, name, "0987 650 001")
    assert marker in _changelist(organiser_client, name, "038190012345")


def test_a_whole_cccd_finds_the_person_and_is_logged(organiser_client, people):
    target, _others = people
    page = _changelist(organiser_client, "participants_participant", "038 190 012 345")
    assert "Hoàng Thị Cần Tìm" in page
    entry = AuditLogEntry.objects.get(action="personal_data_search")
    assert entry.details["kind"] == "cccd" and entry.details["found_ids"] == [target.pk]
    assert entry.details["full_personal_data"] is False


def test_user_admin_finds_the_account_by_any_spelling(organiser_client, people):
    target, _others = people
    for term in SPELLINGS:
        page = _changelist(organiser_client, "participants_user", term)
        assert reverse("admin:participants_user_change", args=[target.user.pk]) in page
        assert "1 kết quả" in page or "1 result" in page


def test_with_the_personal_data_group_parts_of_numbers_work_and_are_logged(
    organiser_client, organiser, people
):
    organiser.groups.add(Group.objects.get(name=PERSONAL_DATA_GROUP))
    _target, others = people
    page = _changelist(organiser_client, "participants_participant", "0987 650")
    assert "Hoàng Thị Cần Tìm" in page and all(o.full_name in page for o in others)
    entry = AuditLogEntry.objects.get(action="personal_data_search")
    assert entry.details["kind"] == "partial" and entry.details["full_personal_data"] is True


def test_names_are_searched_as_before_and_not_logged(organiser_client, people):
    assert "Hoàng Thị Cần Tìm" in _changelist(
        organiser_client, "participants_participant", "Cần Tìm"
    )
    assert not AuditLogEntry.objects.filter(action="personal_data_search").exists()


def test_the_audit_log_finds_an_actor_by_whole_login_only(organiser_client, people):
    target, _others = people
    AuditLogEntry.objects.create(actor=target.user, action="own_data_download")
    for part in ("98765", "650001", "0987"):
        assert "09******01" not in _changelist(organiser_client, "core_auditlogentry", part)
    assert "09******01" in _changelist(organiser_client, "core_auditlogentry", "0987 650 001")
