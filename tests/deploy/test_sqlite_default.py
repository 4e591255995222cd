"""The embedded default (`make run`: SQLite, no servers) holds a small contest: 20 participants
at once start, save 20 answers each and submit right after their last save, against the real
development server on a scratch SQLite file, with 0 errors and 0 answers lost. Before WAL,
immediate write transactions and a busy timeout, "Nộp bài" pressed within a second of an
autosave answered 500 "database is locked"."""

import html
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 20
QUESTIONS = 20

SETUP = f"""
import json
from django.test import Client
from tests.factories import ContestFactory, ParticipantFactory, QuestionFactory, RoundFactory
QuestionFactory.create_batch({QUESTIONS + 5})
round = RoundFactory(contest=ContestFactory(questions_per_attempt={QUESTIONS}))
sessions = []
for _ in range({PEOPLE}):
    client = Client()
    client.force_login(ParticipantFactory().user)
    sessions.append(client.cookies["sessionid"].value)
print(json.dumps({{"round": round.pk, "sessions": sessions}}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _embedded_environment(var_dir: Path) -> dict[str, str]:
    """What `make run` gives the app: no DATABASE_URL nor REDIS_URL, base settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "PYTEST_XDIST_WORKER"}
        and not key.startswith("DJANGO_")
    }
    env.update(DJANGO_SETTINGS_MODULE="contest_site.settings.base", VAR_DIR=str(var_dir))
    return env


def _manage(env, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture
def embedded_server(tmp_path):
    env = _embedded_environment(tmp_path)
    _manage(env, "migrate", "--noinput")
    setup = json.loads(_manage(env, "shell", "-c", SETUP).strip().splitlines()[-1])
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/healthz", timeout=2)
            break
        except requests.ConnectionError:
            time.sleep(0.25)
    try:
        yield base, setup, tmp_path / "db.sqlite3"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
        print(output[-5000:])  # shown when the test fails


WAITING_REFRESH = re.compile(r'<meta http-equiv="refresh" content="(\d+);url=([^"]+)">')


def _take_attempt(base: str, round_id: int, session_key: str, start: threading.Barrier, log):
    try:
        _attempt_steps(base, round_id, session_key, start, log)
    except requests.RequestException as error:  # a timeout is an error too
        log.append(("exception", repr(error)))


def _attempt_steps(base: str, round_id: int, session_key: str, start: threading.Barrier, log):
    """One participant: start, read the page, save every question, submit at once."""
    http = requests.Session()
    http.cookies.set("sessionid", session_key)
    http.get(base + "/", timeout=60)  # the CSRF cookie
    headers = {"X-CSRFToken": http.cookies["csrftoken"]}
    start.wait()
    started = http.post(
        f"{base}/dot-thi/{round_id}/vao-thi/", headers=headers, allow_redirects=False, timeout=60
    )
    # Twenty presses at once: the ones beyond what the server starts at a time get the waiting
    # page, which a browser follows by its meta refresh (core.admission).
    for _ in range(60):
        refresh = WAITING_REFRESH.search(started.text) if started.status_code == 200 else None
        if refresh is None:
            break
        log.append(("waiting", started.status_code))
        time.sleep(int(refresh.group(1)))
        started = http.get(
            base + html.unescape(refresh.group(2)), allow_redirects=False, timeout=60
        )
    log.append(("start", started.status_code))
    if started.status_code != 302:
        return
    page = http.get(base + started.headers["Location"], timeout=60)
    log.append(("page", page.status_code))
    attempt_url = started.headers["Location"]
    questions = re.findall(r'data-question="(\d+)"', page.text)
    answers = {}
    for question in questions:
        token = re.search(rf'name="q{question}" value="([^"]+)"', page.text).group(1)
        answers[question] = token
        saved = http.post(
            base + attempt_url + "luu/",
            data=json.dumps({"question": int(question), "choices": [token], "seq": 1}),
            headers={**headers, "Content-Type": "application/json"},
            timeout=60,
        )
        ok = saved.status_code == 200 and saved.json().get("saved") is True
        log.append(("save", saved.status_code if not ok else 200))
    form = {f"q{question}": token for question, token in answers.items()}
    form["prediction"] = "7"
    submitted = http.post(
        base + attempt_url + "nop-bai/",
        data={**form, "csrfmiddlewaretoken": http.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=60,
    )
    log.append(("submit", submitted.status_code))


def test_twenty_participants_at_once_on_sqlite_lose_nothing(embedded_server):
    base, setup, database = embedded_server
    start = threading.Barrier(PEOPLE)
    logs = [[] for _ in range(PEOPLE)]
    threads = [
        threading.Thread(
            target=_take_attempt, args=(base, setup["round"], session, start, logs[index])
        )
        for index, session in enumerate(setup["sessions"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    expected = {
        "start": 302, "waiting": 200, "page": 200, "save": 200, "submit": 302, "exception": None
    }  # fmt: skip
    errors = [entry for log in logs for entry in log if entry[1] != expected[entry[0]]]
    assert errors == [], errors
    served = [entry for log in logs for entry in log if entry[0] != "waiting"]
    assert len(served) == PEOPLE * (3 + QUESTIONS)

    with sqlite3.connect(database) as connection:
        states = connection.execute(
            "SELECT state, COUNT(*), SUM(question_count) FROM quizzes_attempt GROUP BY state"
        ).fetchall()
        answered = connection.execute(
            "SELECT COUNT(*) FROM quizzes_attemptanswer WHERE selected != '[]'"
        ).fetchone()[0]
        predictions = connection.execute(
            "SELECT COUNT(*) FROM quizzes_attempt WHERE prediction = 7"
        ).fetchone()[0]
        journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert states == [("submitted", PEOPLE, PEOPLE * QUESTIONS)]
    assert answered == PEOPLE * QUESTIONS  # 0 answers lost
    assert predictions == PEOPLE
    assert journal == "wal"
