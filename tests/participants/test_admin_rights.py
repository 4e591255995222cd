"""Organisers ("Ban Tổ chức", staff, not superuser) cannot take over accounts through the user
admin, and their group holds the least it needs (issue 14, point 2)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from participants.services import ORGANISER_GROUP, PERSONAL_DATA_GROUP
from tests.factories import ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = {"password1": "mat-khau-ke-tan-cong-9", "password2": "mat-khau-ke-tan-cong-9"}


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def other_organiser():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISER_GROUP))
    return user


def test_an_organiser_cannot_set_anybodys_password(
    organiser_client, organiser, superuser, other_organiser
):
    participant = ParticipantFactory().user
    for target in (superuser, other_organiser, participant, organiser):
        before = target.password
        url = reverse("admin:auth_user_password_change", args=[target.pk])
        assert organiser_client.get(url).status_code == 403
        assert organiser_client.post(url, NEW_PASSWORD).status_code == 403
        target.refresh_from_db()
        assert target.password == before
    assert not organiser_client.login(phone=superuser.phone, password=NEW_PASSWORD["password1"])


def test_a_superuser_sets_staff_passwords_but_not_participants(client, superuser, organiser):
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[organiser.pk])
    assert client.post(url, {**NEW_PASSWORD, "set_usable_password": "true"}).status_code == 302
    organiser.refresh_from_db()
    assert organiser.check_password(NEW_PASSWORD["password1"])
    participant = ParticipantFactory().user
    url = reverse("admin:auth_user_password_change", args=[participant.pk])
    assert client.post(url, NEW_PASSWORD).status_code == 403


def _change_form(user, **overrides):
    data = {
        "phone": user.phone.replace("+84", "0"),
        "email": "x@example.com",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get(name=PERSONAL_DATA_GROUP).pk],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "01/01/2024",
        "date_joined_1": "00:00",
    }
    return {**data, **overrides}


def test_an_organiser_cannot_change_staff_accounts(organiser_client, superuser, other_organiser):
    for target in (superuser, other_organiser):
        url = reverse("admin:participants_user_change", args=[target.pk])
        page = organiser_client.get(url)
        assert page.status_code == 200  # viewing is allowed
        assert "/password/" not in page.content.decode()
        response = organiser_client.post(url, _change_form(target, is_active=""))
        assert response.status_code == 403
        target.refresh_from_db()
        assert target.is_active and target.email == ""
        delete = reverse("admin:participants_user_delete", args=[target.pk])
        assert organiser_client.post(delete, {"post": "yes"}).status_code == 403


def test_an_organiser_cannot_raise_rights_of_a_participant_account(organiser_client):
    account = ParticipantFactory().user
    url = reverse("admin:participants_user_change", args=[account.pk])
    page = organiser_client.get(url).content.decode()
    assert "/password/" not in page and 'name="is_staff"' not in page
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page
    response = organiser_client.post(url, _change_form(account))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.email == "x@example.com"  # the ordinary fields are still editable
    assert not account.is_staff and not account.is_superuser
    assert not account.groups.exists() and not account.user_permissions.exists()


def test_the_organisers_group_holds_exactly_these_permissions():
    group = Group.objects.get(name=ORGANISER_GROUP)
    granted = sorted(
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    )
    assert granted == [
        "account.view_emailaddress",
        "content.add_announcement",
        "content.add_contestrules",
        "content.add_studymaterial",
        "content.change_announcement",
        "content.change_contestrules",
        "content.change_studymaterial",
        "content.delete_announcement",
        "content.delete_contestrules",
        "content.delete_studymaterial",
        "content.view_announcement",
        "content.view_contestrules",
        "content.view_studymaterial",
        "core.view_auditlogentry",
        "leaderboard.add_officialreportsettings",
        "leaderboard.change_officialreportsettings",
        "leaderboard.view_activitystat",
        "leaderboard.view_award",
        "leaderboard.view_certificate",
        "leaderboard.view_officialreportsettings",
        "leaderboard.view_participationstat",
        "leaderboard.view_publicationevent",
        "leaderboard.view_roundresult",
        "leaderboard.view_scorestat",
        "leaderboard.view_tiedecision",
        "participants.add_participant",
        "participants.add_unit",
        "participants.add_unitrepresentative",
        "participants.add_user",
        "participants.change_participant",
        "participants.change_unit",
        "participants.change_unitrepresentative",
        "participants.change_user",
        "participants.delete_unit",
        "participants.delete_unitrepresentative",
        "participants.view_datadeletionrequest",
        "participants.view_participant",
        "participants.view_unit",
        "participants.view_unitlinkvisit",
        "participants.view_unitrepresentative",
        "participants.view_user",
        "quizzes.add_choice",
        "quizzes.add_drawrule",
        "quizzes.add_question",
        "quizzes.add_questionbank",
        "quizzes.add_topic",
        "quizzes.change_attempt",
        "quizzes.change_choice",
        "quizzes.change_drawrule",
        "quizzes.change_question",
        "quizzes.change_questionbank",
        "quizzes.change_topic",
        "quizzes.delete_choice",
        "quizzes.delete_drawrule",
        "quizzes.delete_question",
        "quizzes.delete_questionbank",
        "quizzes.delete_topic",
        "quizzes.view_attempt",
        "quizzes.view_attemptanswer",
        "quizzes.view_choice",
        "quizzes.view_drawrule",
        "quizzes.view_question",
        "quizzes.view_questionbank",
        "quizzes.view_topic",
        "rounds.add_contest",
        "rounds.add_disqualification",
        "rounds.add_prizetier",
        "rounds.add_round",
        "rounds.change_contest",
        "rounds.change_disqualification",
        "rounds.change_prizetier",
        "rounds.change_round",
        "rounds.delete_contest",
        "rounds.delete_disqualification",
        "rounds.delete_prizetier",
        "rounds.delete_round",
        "rounds.view_contest",
        "rounds.view_disqualification",
        "rounds.view_prizetier",
        "rounds.view_round",
    ]
    personal = Group.objects.get(name=PERSONAL_DATA_GROUP)
    assert list(personal.permissions.values_list("codename", flat=True)) == ["view_personal_data"]
