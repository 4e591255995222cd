"""Session engines whose remembered logins last until the current contest's last round ends.

allauth remembers every login (ACCOUNT_SESSION_REMEMBER) for SESSION_COOKIE_AGE (two weeks):
a participant who signed in on the first Monday of a four-week contest would be signed out
before the last round, and have to log in again at its 00h opening, when every login costs
Argon2's ~30 ms of CPU in the rush. Here a remembered login (a positive expiry in seconds)
lasts at least until the last round of the active contests ends (`contest_sessions_until`),
on a persistent cookie that expires then; a login "until the browser closes" (expiry 0) and
sessions outside a contest are left as Django makes them.

SESSION_ENGINE = "rounds.sessions" (Redis, cached_db) or "rounds.sessions_db" (SQLite)."""

from django.contrib.sessions.backends import cached_db
from django.utils import timezone

from .selectors import contest_sessions_until


class ContestLongSessionMixin:
    def set_expiry(self, value):
        if isinstance(value, int) and value > 0:
            now = timezone.now()
            until = contest_sessions_until(now=now)
            if until is not None and (until - now).total_seconds() > value:
                value = until
        super().set_expiry(value)


class SessionStore(ContestLongSessionMixin, cached_db.SessionStore):
    pass
