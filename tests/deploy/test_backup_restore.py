"""The backup and restore commands of docs/operations.md, run for real: a custom-format dump
of the test database restores into a scratch database with the same rows and constraints."""

import os
import shutil
import subprocess
import uuid

import psycopg2
import pytest
from django.db import connection

from quizzes.services import attempt_start
from tests.factories import ParticipantFactory, QuestionFactory, RoundFactory

TABLES = [
    "participants_user",
    "participants_participant",
    "rounds_contest",
    "rounds_round",
    "quizzes_question",
    "quizzes_choice",
    "quizzes_attempt",
    "quizzes_attemptanswer",
    "django_migrations",
]


def _counts(dsn: dict) -> dict[str, int]:
    with psycopg2.connect(**dsn) as db, db.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'quizzes_attempt'")
        counts["attempt indexes"] = sorted(row[0] for row in cursor.fetchall())
    db.close()
    return counts


@pytest.mark.skipif(
    not shutil.which("pg_dump") and os.environ.get("CI") != "true",
    reason="pg_dump is not installed",
)
@pytest.mark.django_db(transaction=True)
def test_a_custom_format_dump_restores_into_a_scratch_database(tmp_path):
    QuestionFactory.create_batch(6)
    round = RoundFactory()
    for _ in range(3):
        attempt_start(participant=ParticipantFactory(), round=round)

    settings = connection.settings_dict
    options = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
    options += ["-U", settings["USER"]]
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    dump = tmp_path / "contest.dump"
    scratch = f"contest_restore_check_{uuid.uuid4().hex[:8]}"
    source = {
        "host": options[1],
        "port": options[3],
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }

    # The documented commands (docs/operations.md, "Backup and restore").
    subprocess.run(
        ["pg_dump", *options, "-d", settings["NAME"], "-Fc", "-f", str(dump)],
        env=env,
        check=True,
        timeout=120,
    )
    subprocess.run(["createdb", *options, scratch], env=env, check=True, timeout=60)
    try:
        subprocess.run(
            ["pg_restore", *options, "-d", scratch, "--no-owner", "--exit-on-error", str(dump)],
            env=env,
            check=True,
            timeout=120,
        )

        restored = _counts({**source, "dbname": scratch})
        original = _counts({**source, "dbname": settings["NAME"]})
    finally:
        subprocess.run(["dropdb", *options, "--if-exists", "--force", scratch], env=env, timeout=60)

    assert restored == original
    assert restored["quizzes_attempt"] == 3
    assert restored["quizzes_attemptanswer"] > 0
    assert "attempt_one_in_progress_per_round" in restored["attempt indexes"]
