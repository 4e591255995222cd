import pytest
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError
from django.urls import reverse

from core.models import AuditLogEntry
from leaderboard.personal_data import participant_data_export
from operations.personal_data import deletion_requests_process
from participants.models import DataDeletionRequest, User
from participants.services import ORGANISER_GROUP, deletion_request_create
from quizzes.models import Attempt
from quizzes.services import attempt_submit
from tests.factories import ParticipantFactory, UserFactory


@pytest.fixture
def person(db):
    return ParticipantFactory(
        user=UserFactory(phone="+84912345678"),
        full_name="Phạm Thị Riêng Tư",
        cccd="038190012345",
    )


def _organiser(client, *, personal_data: bool):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    if personal_data:
        user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_organisers_without_permission_see_phone_and_cccd_masked(client, person):
    _organiser(client, personal_data=False)
    for url in (
        reverse("admin:participants_participant_changelist"),
        reverse("admin:participants_participant_change", args=[person.pk]),
        reverse("admin:participants_user_changelist"),
        reverse("admin:participants_user_change", args=[person.user.pk]),
    ):
        page = client.get(url).content.decode()
        assert "0912345678" not in page and "0912 345 678" not in page and "912345678" not in page
        assert "038190012345" not in page
    assert (
        "09******78" in client.get(reverse("admin:participants_user_changelist")).content.decode()
    )
    assert not AuditLogEntry.objects.filter(action="personal_data_view").exists()


@pytest.mark.django_db
def test_permitted_organisers_see_full_data_and_each_view_is_logged(client, person):
    organiser = _organiser(client, personal_data=True)
    page = client.get(reverse("admin:participants_participant_change", args=[person.pk]))
    assert "038190012345" in page.content.decode()
    entry = AuditLogEntry.objects.get(action="personal_data_view")
    assert entry.actor == organiser and entry.target_id == str(person.pk)


@pytest.mark.django_db
def test_data_export_holds_profile_and_attempts(person, open_round):
    from quizzes.services import attempt_start

    attempt = attempt_start(participant=person, round=open_round).attempt
    attempt_submit(participant_id=person.pk, attempt_id=attempt.pk)
    data = participant_data_export(participant=person)
    assert data["tai_khoan"]["so_dien_thoai"] == "0912 345 678"
    assert data["ho_so"]["cccd"] == "038190012345"
    assert [a["luot"] for a in data["luot_thi"]] == [1]


@pytest.mark.django_db
def test_one_pending_deletion_request_per_person(person):
    first = deletion_request_create(participant=person)
    assert deletion_request_create(participant=person) == first
    with pytest.raises(IntegrityError):
        DataDeletionRequest.objects.create(participant=person)


@pytest.mark.django_db
def test_anonymising_erases_identity_and_keeps_results(person, open_round):
    from quizzes.services import attempt_start

    attempt = attempt_start(participant=person, round=open_round).attempt
    attempt_submit(participant_id=person.pk, attempt_id=attempt.pk)
    deletion_request_create(participant=person)
    assert deletion_requests_process(participant_ids=[person.pk]) == 1
    person.refresh_from_db()
    user = User.objects.get(pk=person.user_id)
    assert user.phone == f"anon-{user.pk}" and not user.is_active
    assert not user.has_usable_password()
    assert person.cccd is None and person.date_of_birth is None
    assert "Riêng Tư" not in person.full_name
    assert Attempt.objects.get(pk=attempt.pk).score is not None  # results kept
    assert DataDeletionRequest.objects.get().processed_at is not None
    # The number is free again: the same person may register anew.
    User.objects.create_user("0912345678", password="mat-khau-moi-2024")
    assert deletion_requests_process(participant_ids=[person.pk]) == 0
