"""The admin page of staff members' two-factor methods: Vietnamese, read-only, and deleting a
member's methods (the recovery path for a lost phone) is for superusers only."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def authenticator(organiser):
    return Authenticator.objects.create(user=organiser, type="totp", data={"secret": "x"})


def test_organisers_may_not_delete_a_two_factor_method(organiser_client, authenticator):
    url = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])
    assert organiser_client.post(url, {"post": "yes"}).status_code == 403
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()


def test_a_superuser_resets_a_lost_phone_by_deleting_the_methods(client, authenticator):
    superuser = UserFactory(phone="+84900000077", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    bystander = Authenticator.objects.create(user=superuser, type="totp", data={"secret": "y"})
    listing = client.get(reverse("admin:mfa_authenticator_changelist"))
    assert listing.status_code == 200
    assert "Phương thức xác thực hai bước" in listing.content.decode()
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    url = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
    assert Authenticator.objects.filter(pk=bystander.pk).exists()
