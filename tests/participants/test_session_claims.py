"""participants.auth_backends.session_hash_matches accepts exactly what Django's get_user
accepts of a session: the account's current session hash, an active account."""

import pytest

from participants.auth_backends import session_hash_matches
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


def test_matches_djangos_session_hash_and_nothing_else():
    user = ParticipantFactory().user
    current = user.get_session_auth_hash()
    assert session_hash_matches(session_hash=current, password=user.password, is_active=True)
    assert not session_hash_matches(session_hash=current, password=user.password, is_active=False)
    assert not session_hash_matches(session_hash="", password=user.password, is_active=True)
    old_password = user.password
    user.set_password("một-mật-khẩu-mới-2024")
    assert not session_hash_matches(session_hash=current, password=user.password, is_active=True)
    assert session_hash_matches(
        session_hash=user.get_session_auth_hash(), password=user.password, is_active=True
    )
    assert user.password != old_password


def test_the_autosaves_hash_is_kept_an_hour_and_dropped_on_any_save_of_the_account():
    from django.core.cache import cache

    from participants.auth_backends import (
        AUTH_HASH_TIMEOUT,
        _auth_hash_key,
        session_auth_remember,
    )

    user = ParticipantFactory().user
    bystander = ParticipantFactory().user
    for account in (user, bystander):
        session_auth_remember(user=account)
    key = cache.make_and_validate_key(_auth_hash_key(user.pk))
    ttl = cache._cache.get_client().ttl(key)
    assert AUTH_HASH_TIMEOUT - 60 < ttl <= AUTH_HASH_TIMEOUT and AUTH_HASH_TIMEOUT >= 1800
    user.set_password("một-mật-khẩu-mới-2024")
    user.save()
    assert cache.get(_auth_hash_key(user.pk)) is None
    assert cache.get(_auth_hash_key(bystander.pk)) == bystander.get_session_auth_hash()
