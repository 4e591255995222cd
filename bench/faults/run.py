"""Fault run (issue 8, item 1): a production-shaped stack on 127.0.0.1, a bounded mixed load,
and faults injected during it; then the counts that matter.

    python bench/faults/run.py            (or: make faults)

The stack is private to the run, so restarting its servers harms nobody: a PostgreSQL cluster
made with initdb in a temporary directory (port 55432), its own redis-server with an
append-only file (port 56379, db 11), gunicorn with the production settings and
deploy/gunicorn.conf.py, a Celery worker and Celery beat. Everything is stopped and removed at
the end, also on failure or Ctrl-C; the run is bounded (--max-seconds, --max-requests).

During the load: a gunicorn worker is killed with SIGKILL every few seconds, PostgreSQL is
restarted once, Redis is restarted once, and the Celery worker is stopped before the round
ends and started again after it. Afterwards:
- every acknowledged save (HTTP 200 from the autosave) is in PostgreSQL: 0 lost;
- every acknowledged submit is submitted; no participant has two attempts; no attempt is left
  half-finished (in progress, missing answer rows, a score that does not match its answers);
- the round is ranked exactly once (the worker's log), within a minute of the worker's return.

The report goes to bench/faults/results/last.json and last.md; the exit status is 0 only if
every count is as required."""

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "faults" / "results"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
VENV_BIN = Path(sys.executable).parent
QUESTION_RE = re.compile(r'data-question="(\d+)"')
OPTION_RE = re.compile(r'name="q(\d+)" value="([0-9a-f]{16})"')


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Stack:
    def __init__(self, *, work: Path, pg_port: int, redis_port: int, web_port: int, workers: int):
        self.work = work
        self.pg_port, self.redis_port, self.web_port = pg_port, redis_port, web_port
        self.pg_data = work / "pg"
        self.redis_dir = work / "redis"
        self.logs = work / "logs"
        self.logs.mkdir(parents=True)
        self.procs: dict[str, subprocess.Popen] = {}
        self.pg_started = False
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "contest_site.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ADMIN_URL_PATH": "quan-tri-faults/",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{web_port}",
            "SECURE_SSL_REDIRECT": "false",  # no TLS proxy in front: plain HTTP on 127.0.0.1
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/contest_faults",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/11",
            "CELERY_BROKER_URL": "",
            "STATIC_ROOT": str(work / "static"),
            "MEDIA_ROOT": str(work / "media"),
            "VAR_DIR": str(work / "var"),
            "GUNICORN_BIND": f"127.0.0.1:{web_port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": "4",
            "GUNICORN_MAX_REQUESTS": "0",
            "LOG_FORMAT": "plain",
            "LOG_LEVEL": "INFO",
            "CELERY_WORKER_CONCURRENCY": "2",
            # The load is a few clients per address: keep the limits out of the measurement.
            "RATE_LIMITS_ENABLED": "false",
            "PYTHONPATH": str(ROOT),
        }
        for name in ("DEBUG", "TEST_DATABASE_URL", "TEST_REDIS_URL"):
            self.env.pop(name, None)

    # -- PostgreSQL (its own cluster) -------------------------------------------------------
    def pg_init(self) -> None:
        self.pg_data.mkdir()
        (self.work / "pgsock").mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pg_data, "postgres")
            shutil.chown(self.work / "pgsock", "postgres")
        subprocess.run(
            as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(self.pg_data), "--auth=trust", "-E", "UTF8"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=self.work,
            timeout=120,
        )
        self.pg_ctl("start")
        self.pg_started = True
        subprocess.run(
            [
                str(PG_BIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.pg_port),
                "-U",
                "postgres",
                "contest_faults",
            ],
            check=True,
            timeout=60,
        )

    def pg_ctl(self, action: str) -> None:
        options = (
            f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -c max_connections=200 "
            f"-k {self.work / 'pgsock'} -c fsync=on -c synchronous_commit=on"
        )
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-w", "-t", "60"]
        if action in ("start", "restart"):
            command += ["-o", options, "-l", str(self.pg_data / "server.log")]
        command += ["-m", "fast", action] if action != "start" else [action]
        subprocess.run(
            as_postgres(command), check=True, stdout=subprocess.DEVNULL, cwd=self.work, timeout=90
        )

    # -- Redis (its own server, append-only file so a restart keeps the broker's queue) -----
    def redis_start(self) -> None:
        self.redis_dir.mkdir(exist_ok=True)
        self.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.redis_dir),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--maxmemory-policy",
                "noeviction",
            ],
        )
        self.wait_port(self.redis_port)

    def redis_restart(self) -> None:
        self.stop("redis")
        self.redis_start()

    # -- Django processes --------------------------------------------------------------------
    def manage(self, *args: str, timeout: int = 300) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=timeout,
        )

    def gunicorn_start(self) -> None:
        self.start(
            "gunicorn",
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "contest_site.wsgi:application",
            ],
        )
        self.wait_port(self.web_port)

    def gunicorn_workers(self) -> list[int]:
        master = self.procs["gunicorn"].pid
        found = subprocess.run(
            ["pgrep", "-P", str(master)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in found.stdout.split()]

    def worker_start(self) -> None:
        self.start(
            "worker",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "contest_site",
                "worker",
                "--loglevel=INFO",
                "-n",
                f"faults-{self.web_port}@%h",
            ],
        )

    def beat_start(self) -> None:
        self.start(
            "beat",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "contest_site",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(self.work / "beat-schedule"),
            ],
        )

    # -- process plumbing --------------------------------------------------------------------
    def start(self, name: str, command: list[str]) -> None:
        output = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, name: str, timeout: float = 30) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def wait_port(self, port: int, timeout: float = 60) -> None:
        import socket

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                return
            time.sleep(0.2)
        raise RuntimeError(f"nothing listens on port {port} after {timeout} s")

    def shutdown(self) -> None:
        for name in ("beat", "worker", "gunicorn", "redis"):
            self.stop(name)
        if self.pg_started:
            with contextlib.suppress(Exception):
                self.pg_ctl("stop")


class Load:
    """Participants taking the quiz through HTTP, as a browser would (start, page, autosave,
    submit), each on a session made by the scenario. Only answers the server acknowledged
    (HTTP 200) are recorded; failures are retried with a new sequence number."""

    def __init__(
        self,
        *,
        port: int,
        round_id: int,
        sessions: list[str],
        threads: int,
        ends_at: float,
        max_requests: int,
    ):
        self.port, self.round_id, self.ends_at = port, round_id, ends_at
        self.sessions = list(sessions)
        self.threads = threads
        self.max_requests = max_requests
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.requests = 0
        self.saves: dict[tuple[int, int], tuple[int, list[str]]] = {}
        self.predictions: dict[int, tuple[int, int]] = {}
        self.submits: dict[int, float] = {}  # attempt id → when the acknowledged submit was sent
        self.attempts: set[int] = set()
        self.stop = threading.Event()

    def request(
        self,
        session: str,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str | None = None,
    ) -> tuple[int, dict, bytes]:
        with self.lock:
            if self.requests >= self.max_requests:
                self.stop.set()
            self.requests += 1
        csrf = "f" * 32
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "Cookie": f"sessionid={session}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "Connection": "close",
        }
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            status, response_headers = response.status, dict(response.getheaders())
        except (OSError, http.client.HTTPException) as error:
            with self.lock:
                self.statuses[type(error).__name__] += 1
            raise
        finally:
            connection.close()
        with self.lock:
            self.statuses[status] += 1
        return status, response_headers, data

    def attempt_take(self, session: str, rng: random.Random) -> None:
        attempt_id = None
        for _ in range(6):
            try:
                status, headers, _body = self.request(
                    session, "POST", f"/dot-thi/{self.round_id}/vao-thi/"
                )
            except (OSError, http.client.HTTPException):
                time.sleep(0.3)
                continue
            if status == 302 and "/bai-thi/" in headers.get("Location", ""):
                attempt_id = int(headers["Location"].rstrip("/").split("/")[-1])
                break
            if status in (403, 409):
                return  # the round is over (or the attempts are used up)
            time.sleep(0.3)
        if attempt_id is None:
            return
        with self.lock:
            self.attempts.add(attempt_id)
        options: dict[int, list[str]] = {}
        for _ in range(6):
            try:
                status, _headers, body = self.request(session, "GET", f"/bai-thi/{attempt_id}/")
            except (OSError, http.client.HTTPException):
                time.sleep(0.3)
                continue
            if status == 200:
                for question, token in OPTION_RE.findall(body.decode()):
                    options.setdefault(int(question), []).append(token)
                break
            if status == 302:
                return  # already finished (deadline passed)
            time.sleep(0.3)
        if not options:
            return
        seq = 0
        questions = list(options)
        # Answer every question, change a few answers, sometimes save a prediction.
        plan = questions + rng.sample(questions, k=min(3, len(questions)))
        for question in plan:
            if self.stop.is_set() or time.time() > self.ends_at + 5:
                return
            token = rng.choice(options[question])
            for _ in range(4):
                seq += 1
                body = json.dumps({"question": question, "choices": [token], "seq": seq})
                try:
                    status, _headers, data = self.request(
                        session,
                        "POST",
                        f"/bai-thi/{attempt_id}/luu/",
                        body.encode(),
                        "application/json",
                    )
                except (OSError, http.client.HTTPException):
                    time.sleep(0.2)
                    continue
                if status == 200 and json.loads(data).get("saved"):
                    with self.lock:
                        self.saves[(attempt_id, question)] = (seq, [token])
                    break
                if status in (403, 404, 409):
                    return  # finished or past the deadline: stop this attempt
                time.sleep(0.2)
            time.sleep(rng.uniform(0.05, 0.4))
        if rng.random() < 0.3:
            seq += 1
            value = rng.randint(0, 1000)
            body = json.dumps({"prediction": value, "seq": seq}).encode()
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _headers, data = self.request(
                    session, "POST", f"/bai-thi/{attempt_id}/luu/", body, "application/json"
                )
                if status == 200 and json.loads(data).get("saved"):
                    with self.lock:
                        self.predictions[attempt_id] = (seq, value)
        if rng.random() < 0.6:
            for _ in range(6):
                sent_at = time.time()
                try:
                    status, headers, _body = self.request(
                        session,
                        "POST",
                        f"/bai-thi/{attempt_id}/nop-bai/",
                        b"",
                        "application/x-www-form-urlencoded",
                    )
                except (OSError, http.client.HTTPException):
                    time.sleep(0.3)
                    continue
                if status == 302 and "/ket-qua/" in headers.get("Location", ""):
                    with self.lock:
                        self.submits[attempt_id] = sent_at
                    break
                if status in (403, 404, 409):
                    break
                time.sleep(0.3)

    def worker(self, index: int) -> None:
        rng = random.Random(index)
        while not self.stop.is_set() and time.time() < self.ends_at + 2:
            with self.lock:
                if not self.sessions:
                    return
                session = self.sessions.pop()
            try:
                self.attempt_take(session, rng)
            except Exception as error:
                log(f"client {index}: {error!r}")

    def run(self) -> None:
        threads = [
            threading.Thread(target=self.worker, args=(i,), daemon=True)
            for i in range(self.threads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def acknowledged(self) -> dict:
        return {
            "saves": [[a, q, seq, tokens] for (a, q), (seq, tokens) in self.saves.items()],
            "predictions": [[a, seq, value] for a, (seq, value) in self.predictions.items()],
            "submits": [[a, sent_at] for a, sent_at in sorted(self.submits.items())],
            "attempts": sorted(self.attempts),
        }


def ranked_count(log_path: Path, round_id: int) -> int:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return len(re.findall(rf"round {round_id} ranked:", text))


def run(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="contest-faults-"))
    work.chmod(0o755)
    stack = Stack(
        work=work,
        pg_port=args.pg_port,
        redis_port=args.redis_port,
        web_port=args.web_port,
        workers=args.gunicorn_workers,
    )
    events: list[dict] = []
    started = time.time()

    def event(name: str, **details) -> None:
        events.append({"t": round(time.time() - started, 1), "event": name, **details})
        log(f"{name} {details if details else ''}")

    try:
        event("postgresql_init", port=args.pg_port)
        stack.pg_init()
        event("redis_start", port=args.redis_port)
        stack.redis_start()
        stack.manage("migrate", "--noinput")
        stack.manage("collectstatic", "--noinput")
        scenario_out = work / "scenario.json"
        subprocess.run(
            [
                sys.executable,
                "bench/faults/scenario.py",
                "setup",
                "--participants",
                str(args.participants),
                "--ends-in",
                str(args.round_seconds),
                "--out",
                str(scenario_out),
            ],
            cwd=ROOT,
            env=stack.env,
            check=True,
            timeout=300,
        )
        scenario = json.loads(scenario_out.read_text())
        round_id = scenario["round_id"]
        event(
            "scenario_ready",
            round_id=round_id,
            participants=len(scenario["sessions"]),
            round_ends_in=round(scenario["ends_at"] - time.time(), 1),
        )
        stack.gunicorn_start()
        stack.worker_start()
        stack.beat_start()
        event("stack_started")

        load = Load(
            port=args.web_port,
            round_id=round_id,
            sessions=scenario["sessions"],
            threads=args.threads,
            ends_at=scenario["ends_at"],
            max_requests=args.max_requests,
        )
        load_thread = threading.Thread(target=load.run, daemon=True)
        load_thread.start()
        ends_at = scenario["ends_at"]
        t0 = time.time()
        plan = {
            "postgresql_restart": t0 + args.round_seconds * 0.25,
            "redis_restart": t0 + args.round_seconds * 0.45,
            "worker_stop": ends_at - 15,
            "worker_start": ends_at + args.worker_down_after_end,
        }
        done: set[str] = set()
        next_kill = t0 + 3
        kills = 0
        worker_back_at = None
        hard_stop = started + args.max_seconds
        while time.time() < hard_stop:
            now = time.time()
            if now >= next_kill and now < ends_at:
                pids = stack.gunicorn_workers()
                if pids:
                    pid = random.choice(pids)
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                        kills += 1
                        event("gunicorn_worker_killed", pid=pid)
                next_kill = now + args.kill_every
            for name, moment in plan.items():
                if name in done or now < moment:
                    continue
                done.add(name)
                if name == "postgresql_restart":
                    event("postgresql_restart_begin")
                    stack.pg_ctl("restart")
                    event("postgresql_restart_done")
                elif name == "redis_restart":
                    event("redis_restart_begin")
                    stack.redis_restart()
                    event("redis_restart_done")
                elif name == "worker_stop":
                    event("celery_worker_stop")
                    stack.stop("worker")
                elif name == "worker_start":
                    stack.worker_start()
                    worker_back_at = time.time()
                    event("celery_worker_start")
            if worker_back_at and not load_thread.is_alive():
                if ranked_count(stack.logs / "worker.log", round_id) >= 1:
                    # Give a duplicate ranking (a redelivered task, a second sweep) the chance
                    # to show itself before counting.
                    if time.time() > worker_back_at + args.settle_seconds:
                        break
                elif time.time() > worker_back_at + 90:
                    break
            time.sleep(0.2)
        load.stop.set()
        load_thread.join(timeout=30)
        event("load_finished", requests=load.requests)

        acked_path = work / "acked.json"
        acked_path.write_text(json.dumps(load.acknowledged()))
        verify_out = work / "verify.json"
        subprocess.run(
            [
                sys.executable,
                "bench/faults/scenario.py",
                "verify",
                "--acked",
                str(acked_path),
                "--round",
                str(round_id),
                "--out",
                str(verify_out),
            ],
            cwd=ROOT,
            env=stack.env,
            check=True,
            timeout=300,
        )
        verified = json.loads(verify_out.read_text())
        rankings = ranked_count(stack.logs / "worker.log", round_id)
        ranked_at = verified["round_ranked_at"]
        ranked_after_return = (
            round(ranked_at - worker_back_at, 1) if ranked_at and worker_back_at else None
        )
        report = {
            "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "settings": {
                "participants": args.participants,
                "client_threads": args.threads,
                "round_seconds": args.round_seconds,
                "gunicorn_workers": args.gunicorn_workers,
                "kill_every_seconds": args.kill_every,
                "worker_down_after_round_end_seconds": args.worker_down_after_end,
                "max_requests": args.max_requests,
            },
            "faults": {
                "gunicorn_workers_killed": kills,
                "postgresql_restarts": sum(e["event"] == "postgresql_restart_done" for e in events),
                "redis_restarts": sum(e["event"] == "redis_restart_done" for e in events),
                "celery_worker_stopped_across_round_end": "worker_stop" in done
                and "worker_start" in done,
            },
            "load": {
                "requests": load.requests,
                "responses": {str(k): v for k, v in sorted(load.statuses.items(), key=str)},
            },
            "results": {
                **{k: v for k, v in verified.items() if k != "lost_examples"},
                "rankings_of_the_round": rankings,
                "ranked_seconds_after_worker_return": ranked_after_return,
            },
            "lost_examples": verified["lost_examples"],
            "events": events,
        }
        r = report["results"]
        report["passed"] = bool(
            r["acknowledged_saves"] > 0
            and r["acknowledged_saves_lost"] == 0
            and r["acknowledged_predictions_lost"] == 0
            and r["acknowledged_submits_lost"] == 0
            and r["participants_with_duplicate_attempts"] == 0
            and r["attempts_in_progress_after_ranking"] == 0
            and r["attempts_with_missing_answer_rows"] == 0
            and r["finished_attempts_with_wrong_score"] == 0
            and r["finished_answers_not_scored"] == 0
            and rankings == 1
            and ranked_after_return is not None
            and ranked_after_return <= 60
            and report["faults"]["postgresql_restarts"] == 1
            and report["faults"]["redis_restarts"] == 1
            and report["faults"]["celery_worker_stopped_across_round_end"]
            and kills > 0
        )
        if args.keep_logs:
            report["logs"] = str(stack.logs)
        return report
    finally:
        stack.shutdown()
        if args.keep_logs:
            log(f"logs kept in {stack.logs}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def markdown(report: dict) -> str:
    r, f = report["results"], report["faults"]
    lines = [
        "# Fault run — last report",
        "",
        f"Finished {report['finished_at']}. **{'PASSED' if report['passed'] else 'FAILED'}**.",
        "",
        "Produced by `make faults` (`bench/faults/run.py`); settings: "
        + ", ".join(f"{k}={v}" for k, v in report["settings"].items())
        + ".",
        "",
        "## Faults injected during the load",
        "",
        f"- gunicorn workers killed with SIGKILL: {f['gunicorn_workers_killed']}",
        f"- PostgreSQL restarts: {f['postgresql_restarts']}",
        f"- Redis restarts: {f['redis_restarts']}",
        "- Celery worker stopped before the round's end and started after it: "
        + ("yes" if f["celery_worker_stopped_across_round_end"] else "no"),
        "",
        "## Counts",
        "",
        "| check | count |",
        "|---|---|",
        f"| acknowledged saves | {r['acknowledged_saves']} |",
        f"| acknowledged saves lost | **{r['acknowledged_saves_lost']}** |",
        f"| acknowledged predictions / lost | {r['acknowledged_predictions']} / "
        f"**{r['acknowledged_predictions_lost']}** |",
        f"| acknowledged submits / lost | {r['acknowledged_submits']} / "
        f"**{r['acknowledged_submits_lost']}** |",
        f"| submits sent after the deadline (auto-submitted at the deadline, as the rules say) "
        f"| {r['submits_sent_after_deadline']} |",
        f"| attempts (submitted / auto-submitted) | {r['attempts']} ({r['submitted']} / "
        f"{r['auto_submitted']}) |",
        f"| participants with duplicate attempts | **{r['participants_with_duplicate_attempts']}** |",
        f"| attempts still in progress after ranking | **{r['attempts_in_progress_after_ranking']}** |",
        f"| attempts with missing answer rows | **{r['attempts_with_missing_answer_rows']}** |",
        f"| finished attempts whose score ≠ their answers | "
        f"**{r['finished_attempts_with_wrong_score']}** |",
        f"| answers of finished attempts left unscored | **{r['finished_answers_not_scored']}** |",
        f"| rankings of the round (worker log) | **{r['rankings_of_the_round']}** |",
        f"| ranked, seconds after the worker's return | **{r['ranked_seconds_after_worker_return']}** |",
        f"| round state / results stored / people with a finished attempt | {r['round_state']} / "
        f"{r['round_results']} / {r['participants_with_finished_attempts']} |",
        "",
        "## Load",
        "",
        f"{report['load']['requests']} requests; responses: "
        + ", ".join(f"{k}: {v}" for k, v in report["load"]["responses"].items())
        + ". Refused or failed requests (5xx, connection errors while a worker was killed or a"
        " server restarted) are retried by the client and never counted as acknowledged.",
        "",
        "## Timeline (seconds from the start of the run)",
        "",
        *[
            f"- {e['t']}: {e['event']}"
            + (
                " " + ", ".join(f"{k}={v}" for k, v in e.items() if k not in ("t", "event"))
                if len(e) > 2
                else ""
            )
            for e in report["events"]
            if e["event"] != "gunicorn_worker_killed"
        ],
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=400)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--round-seconds", type=int, default=90)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--kill-every", type=float, default=4.0)
    parser.add_argument("--worker-down-after-end", type=int, default=20)
    parser.add_argument("--settle-seconds", type=int, default=30)
    parser.add_argument("--max-seconds", type=int, default=480)
    parser.add_argument("--max-requests", type=int, default=60_000)
    parser.add_argument("--pg-port", type=int, default=55432)
    parser.add_argument("--redis-port", type=int, default=56379)
    parser.add_argument("--web-port", type=int, default=58000)
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--no-save", action="store_true", help="do not write results/last.*")
    args = parser.parse_args()
    report = run(args)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "last.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
        (RESULTS / "last.md").write_text(markdown(report))
    print(markdown(report))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
