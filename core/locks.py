"""Locks that serialise work across processes: a PostgreSQL transaction-level advisory lock
per key (released at commit or rollback). SQLite, used only for a no-server development run,
serialises writers by itself, so the lock is a no-op there.

Keys are 64-bit integers; each caller owns a namespace (e.g. 0x756E6974, "unit", for the unit
import) so that two kinds of work never share a lock by accident."""

from django.db import connection


def advisory_lock_take(*, key: int) -> None:
    """Wait for the lock `key` and hold it until the current transaction ends (call inside
    `transaction.atomic()`)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
