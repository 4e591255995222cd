"""Authentication backends that read the signed-in account from the cache.

Django's AuthenticationMiddleware loads the account of the session on every request
(`backend.get_user(user_id)`: one query) and then checks the session's password hash against
it. On the participant's hot paths (an answer save is one guarded UPDATE) that lookup would be
half of the database work, so the account, with its participant profile, is kept in the cache
for a short while. The session hash check still runs on the cached copy, and any save or delete
of the account or its profile drops the copy (participants.apps), so a password change or a
deactivation logs the other sessions out as before; a change made with QuerySet.update() is
seen at the latest after USER_CACHE_TIMEOUT (AUTH_HASH_TIMEOUT for the autosave's check).
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string

from .models import UnitRepresentative, User

USER_CACHE_TIMEOUT = 120
# The account's session hash (the autosave's check, below) is kept for an attempt's length: it
# is dropped at once on every save of the account (participants.apps), and with the account's
# 2 minutes one save in six of a person answering every 20 s took Django's full check again.
AUTH_HASH_TIMEOUT = 3600


def _user_cache_key(user_id) -> str:
    return f"auth-user:v2:{user_id}"


def user_cached(*, user_id) -> User | None:
    """The account with its participant profile, cached (select_related also remembers that
    an organiser has no profile), and whether it represents a unit (`represents_units`: the
    menu's link to the unit's report)."""
    key = _user_cache_key(user_id)
    user = cache.get(key)
    if user is None:
        user = (
            User.objects.select_related("participant")
            .annotate(
                represents_units=Exists(UnitRepresentative.objects.filter(user=OuterRef("pk")))
            )
            .filter(pk=user_id)
            .first()
        )
        if user is None:
            return None
        cache.set(key, user, USER_CACHE_TIMEOUT)
    return user


def user_cache_forget(*, user_id) -> None:
    cache.delete_many([_user_cache_key(user_id), _auth_hash_key(user_id)])


# --- The signed-in check of the autosave, without loading the account -------------------------
#
# Django's check (AuthenticationMiddleware → auth.get_user) reads the session, loads the account
# and compares the session's password hash with the account's. The autosave makes it from two
# small cache values read in the caller's one round trip: the session as cached_db keeps it, and
# the account's current session hash (`_auth_hash_key`, dropped with the cached account on
# every save of it, so a password change or a deactivation is seen at once). Anything missing
# or different sends the request to Django's own check, which flushes a stale session.


def _auth_hash_key(user_id) -> str:
    return f"auth-hash:v1:{user_id}"


def session_auth_keys(*, session_key: str, user_id: int) -> tuple[str, str] | None:
    """The cache keys of the session and of the account's session hash, or None when the
    session engine does not keep sessions in this cache (then only Django's check applies)."""
    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    if not issubclass(engine, CachedDbSessionStore) or settings.SESSION_CACHE_ALIAS != "default":
        return None
    return engine.cache_key_prefix + session_key, _auth_hash_key(user_id)


def session_auth_valid(*, session_data, auth_hash, user_id: int) -> bool:
    """True when the session (as read from the cache) is signed in as `user_id` with the
    account's current password: what auth.get_user would accept, from values already read."""
    if not isinstance(session_data, dict) or not isinstance(auth_hash, str) or not auth_hash:
        return False
    return str(session_data.get(SESSION_KEY)) == str(user_id) and constant_time_compare(
        session_data.get(HASH_SESSION_KEY) or "", auth_hash
    )


def session_claims(*, session_key: str, keys: list[str]) -> tuple[int | None, str, dict]:
    """The account id and the password hash the cached session names, not yet checked
    against the account (`session_hash_matches` does that with the account's row), and the
    values of `keys`: one cache round trip. None for the account when the cache has no
    signed-in session: the caller then makes Django's full check (request.user)."""
    session_keys = session_auth_keys(session_key=session_key, user_id=0) if session_key else None
    if session_keys is None:
        return None, "", {}
    found = cache.get_many([session_keys[0], *keys])
    data = found.pop(session_keys[0], None)
    user_id = data.get(SESSION_KEY) if isinstance(data, dict) else None
    if user_id is None or not str(user_id).isdigit():
        return None, "", found
    return int(user_id), str(data.get(HASH_SESSION_KEY) or ""), found


class _PasswordOnly:
    def __init__(self, password: str):
        self.password = password


def session_hash_matches(*, session_hash: str, password: str, is_active: bool) -> bool:
    """What auth.get_user accepts of a session, from the account's password hash and active
    flag read with the caller's own query (the quiz page's): the session's hash is the
    account's current one. Django's own computation (AbstractBaseUser), without building an
    account; tests/participants/test_session_claims.py pins it to get_session_auth_hash. A
    mismatch (a password changed, or a hash under an old SECRET_KEY) goes to Django's check."""
    if not is_active or not session_hash:
        return False
    expected = AbstractBaseUser._get_session_auth_hash(_PasswordOnly(password))
    return constant_time_compare(session_hash, expected)


def session_claimed_user_id(*, request) -> int | None:
    """The account id the request's session names, read from the session alone (the cache,
    as cached_db keeps it), without loading the account or checking its password hash: for
    handing out a place in a queue, never for showing or changing anything. Whatever the
    place then gives access to makes Django's full check."""
    user_id = request.session.get(SESSION_KEY)
    return int(user_id) if user_id is not None and str(user_id).isdigit() else None


def session_auth_remember(*, user) -> None:
    """Keep the account's session hash for `session_auth_valid`, after Django's check let the
    request in, for AUTH_HASH_TIMEOUT (a change made with QuerySet.update(), which sends no
    signal, is seen as late; none of ours changes a password or the active flag that way)."""
    if user.is_authenticated and user.is_active:
        cache.set(_auth_hash_key(user.pk), user.get_session_auth_hash(), AUTH_HASH_TIMEOUT)


class _CachedGetUser:
    def get_user(self, user_id):
        user = user_cached(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_CachedGetUser, DjangoModelBackend):
    pass


class AuthenticationBackend(_CachedGetUser, AllauthAuthenticationBackend):
    pass
