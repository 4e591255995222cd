"""Authentication backends that read the signed-in account from the cache.

Django's AuthenticationMiddleware loads the account of the session on every request
(`backend.get_user(user_id)`: one query) and then checks the session's password hash against
it. On the participant's hot paths (an answer save is one guarded UPDATE) that lookup would be
half of the database work, so the account, with its participant profile, is kept in the cache
for a short while. The session hash check still runs on the cached copy, and any save or delete
of the account or its profile drops the copy (participants.apps), so a password change or a
deactivation logs the other sessions out as before; a change made with QuerySet.update() is
seen at the latest after USER_CACHE_TIMEOUT.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache
from django.db.models import Exists, OuterRef

from .models import UnitRepresentative, User

USER_CACHE_TIMEOUT = 120


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
    cache.delete(_user_cache_key(user_id))


class _CachedGetUser:
    def get_user(self, user_id):
        user = user_cached(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_CachedGetUser, DjangoModelBackend):
    pass


class AuthenticationBackend(_CachedGetUser, AllauthAuthenticationBackend):
    pass
