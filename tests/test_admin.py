"""Every admin changelist and add page loads for a "Ban Tổ chức" user (not a superuser)."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from participants.services import ORGANISER_APPS, ORGANISER_GROUP
from tests.factories import UserFactory

ADMIN_MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in ORGANISER_APPS
)


# Written only by the services (stored results, statistics, logs, attempts, requests), or
# read-only for organisers (e-mail addresses, issue 14.2): "add" is refused on purpose.
READ_ONLY_MODELS = {
    ("account", "emailaddress"),
    ("core", "auditlogentry"),
    ("leaderboard", "award"),
    ("leaderboard", "certificate"),
    ("leaderboard", "participationstat"),
    ("leaderboard", "publicationevent"),
    ("leaderboard", "roundresult"),
    ("leaderboard", "tiedecision"),
    ("participants", "datadeletionrequest"),
    ("participants", "unitlinkvisit"),
    ("quizzes", "attempt"),
}


def test_the_read_only_models_are_registered():
    assert set(ADMIN_MODELS) >= READ_ONLY_MODELS


@pytest.mark.django_db
@pytest.mark.parametrize(("app_label", "model_name"), ADMIN_MODELS)
def test_changelist_and_add_pages_load_for_organisers(
    organiser_client, app_label, model_name, open_round, attempt_in_progress
):
    changelist = organiser_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert changelist.status_code == 200
    add = organiser_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    expected = 403 if (app_label, model_name) in READ_ONLY_MODELS else 200
    assert add.status_code == expected


@pytest.mark.django_db
def test_organisers_are_not_superusers_and_lack_personal_data_permission(organiser_client):
    group = Group.objects.get(name=ORGANISER_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert "change_question" in codenames
    assert "view_personal_data" not in codenames


@pytest.mark.django_db
def test_organisers_cannot_manage_groups_or_make_superusers(organiser_client):
    assert organiser_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    user = UserFactory()
    page = organiser_client.get(reverse("admin:participants_user_change", args=[user.pk]))
    assert page.status_code == 200
    assert "is_superuser" not in page.content.decode()


@pytest.mark.django_db
def test_round_admin_shows_state_and_timing_in_vietnamese(organiser_client, open_round):
    page = organiser_client.get(reverse("admin:rounds_round_changelist"))
    assert "Đóng sau" in page.content.decode()
    page = organiser_client.get(reverse("admin:rounds_round_change", args=[open_round.pk]))
    assert page.status_code == 200
    assert "Đóng sau" in page.content.decode()
