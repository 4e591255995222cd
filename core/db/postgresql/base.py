"""PostgreSQL, with Django's connection health check made at most once a second, and the
statements prepared in each connection's server session (core.db.prepared).

With CONN_HEALTH_CHECKS Django pings a persistent connection ("SELECT 1", a round trip) before
its first use in every request: on the autosave, one guarded UPDATE, that ping was a second
statement's worth of work on the most frequent request of the site. A connection in steady use
has just proved itself; it is pinged again once it has been idle (or unpinged) for
HEALTH_CHECK_SECONDS. A connection the server dropped within that second fails the one request
that meets it, and Django closes it at the end of that request (errors_occurred), as it does
without health checks; one idle for longer is checked before use, as before."""

import time

from django.db.backends.postgresql import base

HEALTH_CHECK_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    _checked_at = 0.0
    # The statements prepared in the current server session (core.db.prepared):
    # SQL text → statement name.
    prepared_statements: dict[str, str] | None = None

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and time.monotonic() - self._checked_at < HEALTH_CHECK_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
        self._checked_at = time.monotonic()

    def connect(self):
        super().connect()
        self._checked_at = time.monotonic()
        # A new server session (first connection, or after CONN_MAX_AGE, an error or a failed
        # health check) holds no prepared statement.
        self.prepared_statements = {}
