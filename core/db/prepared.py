"""Statements prepared once per database connection, on the hot paths' raw SQL."""

import itertools

from django.db import DatabaseError

# Names of prepared statements, unique in the process: a name is never reused, so a PREPARE
# that went through in a request that failed afterwards cannot collide with a later one.
_statement_names = itertools.count(1)


def execute_prepared(cursor, sql: str, params: list) -> None:
    """Run `sql` (%s placeholders, as Django's raw SQL) on this cursor. On PostgreSQL
    (core.db.postgresql, which tracks what each connection prepared) it is prepared once per
    connection and executed by name afterwards: the server parses and plans it once, not on
    every call (for the quiz page's six-table query, planning cost three times its execution).
    The PREPARE travels with the first EXECUTE, in one statement, so a query budget is the same
    either way. Elsewhere (SQLite) a plain `execute`.

    Prepared statements live in the server session, so this needs a direct connection, as
    docker-compose.yml has: a pooler sharing server sessions between clients by transaction
    (pgbouncer's transaction mode) would not keep them. An EXECUTE that fails forgets its
    statement, which the next call prepares again under a new name (e.g. after a migration
    changed the columns it returns)."""
    prepared = getattr(cursor.db, "prepared_statements", None)
    if prepared is None:
        cursor.execute(sql, params)
        return
    arguments = ", ".join(["%s"] * len(params))
    name = prepared.get(sql)
    if name is None:
        name = f"prepared_{next(_statement_names)}"
        body = (sql % tuple(f"${n}" for n in range(1, len(params) + 1))).replace("%", "%%")
        statement = f"PREPARE {name} AS {body}; EXECUTE {name}({arguments})"
    else:
        statement = f"EXECUTE {name}({arguments})"
    try:
        cursor.execute(statement, params)
    except DatabaseError:
        prepared.pop(sql, None)
        raise
    prepared[sql] = name
