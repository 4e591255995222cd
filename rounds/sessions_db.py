"""rounds.sessions on the database-only session engine (the SQLite default of `make run`)."""

from django.contrib.sessions.backends import db

from .sessions import ContestLongSessionMixin


class SessionStore(ContestLongSessionMixin, db.SessionStore):
    pass
