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
