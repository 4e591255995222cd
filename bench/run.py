"""The load-test harness: `make bench` (defaults, under 10 minutes) or `make bench-quick`
(under 2 minutes). Starts the production-shaped stack on 127.0.0.1 only, seeds it, runs the
scenarios, checks correctness after every load run, writes bench/results/<date>-<sha>.{md,json}
and stops everything it started.

Scenarios (DESIGN §4): a ceilings of answer save and quiz page vs an empty view (wrk);
b the 00h opening rush; c the mixed realistic flow; d logins; e ranking a round of 1,000,000
attempts and the whole close job; f the 1,000,000-row results export.

Needs PostgreSQL and Redis (as `make test`); wrk (`apt-get install -y wrk`) for scenario a,
else a is skipped with a note. Everything runs against its own database (dropped at the end)
and its own Redis database: --port, --db-name and --redis-url (or BENCH_PORT, BENCH_DB_NAME,
BENCH_REDIS_URL) keep two runs on one machine apart.

The primary figure is server CPU per request (gunicorn, all processes, from /proc), and its
ratio to the empty view's in the same run; throughput is shown beside it, but depends on how
connections land on workers and on what else the machine runs. Every response names the worker
that served it (X-Bench-Worker): a load run where one worker served more than
MAX_WORKER_SHARE of the requests is refused (the figures would measure one core, not two).
"""

import argparse
import csv
import datetime as dt
import http.client
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg2
import redis

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
VENV_BIN = Path(sys.executable).parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
# A run where one worker served more than this share of the requests measures one core.
MAX_WORKER_SHARE = 0.70
WRK_CSRF = "benchcsrftoken0123456789abcdefgh"  # as bench/wrk/bench.lua sends it


class SpreadRefused(SystemExit):
    pass


def worker_spread(counts: dict, *, workers: int) -> dict:
    """How the requests of a load run spread over the server's worker processes (counts per
    process id, from X-Bench-Worker); `ok` is False when one worker served more than
    MAX_WORKER_SHARE of them, or fewer processes than `workers` served any (with more than
    one worker configured)."""
    total = sum(counts.values())
    top = max(counts.values(), default=0)
    share = top / total if total else 1.0
    ok = total > 0 and (workers <= 1 or (len(counts) >= workers and share <= MAX_WORKER_SHARE))
    return {
        "requests_per_worker": sorted(counts.values(), reverse=True),
        "largest_share": round(share, 3),
        "ok": ok,
    }


def spread_require(name: str, spread: dict, *, allow: bool) -> None:
    if spread["ok"] or allow:
        return
    raise SpreadRefused(
        f"run refused: in '{name}' one worker served {spread['largest_share']:.0%} of the "
        f"requests (per worker: {spread['requests_per_worker']}; at most "
        f"{MAX_WORKER_SHARE:.0%} allowed). Connections did not spread over the workers "
        "(is reuse_port on?); the figures would measure one core."
    )


def _machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields) - idle) / CLK_TCK, sum(fields) / CLK_TCK


def admin_sql(dsn: str, *statements: str) -> None:
    """Statements outside a transaction (CREATE/DROP DATABASE)."""
    connection = psycopg2.connect(dsn)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- processes: CPU and memory from /proc -----------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def _cpu_seconds_with_reaped_children(pid: int) -> float:
    """A process's CPU time plus that of its children that have exited (gunicorn recycles
    workers: their time must not vanish from the count)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(fields[i]) for i in (11, 12, 13, 14)) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def _rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class Stack:
    """gunicorn with the production settings, on the bench database and Redis db."""

    def __init__(self, args, env: dict):
        self.args, self.env = args, env
        self.process = None
        self.db_pids: list[int] = []

    def start(self) -> None:
        command = [
            str(VENV_BIN / "gunicorn"),
            "-c",
            str(ROOT / "deploy/gunicorn.conf.py"),
            "--worker-class",
            self.args.worker_class,
            "contest_site.wsgi:application",
        ]
        self.log = open(self.args.work / "gunicorn.log", "w")  # noqa: SIM115 - the server's lifetime
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.args.port, timeout=2)
                connection.request("GET", "/bench/empty/", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn did not answer within 30 s; see " + str(self.log.name))

    def workers(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def cpu(self) -> dict:
        web = _cpu_seconds_with_reaped_children(self.process.pid) + sum(
            _cpu_seconds(p) for p in self.workers()
        )
        db = sum(_cpu_seconds(p) for p in self.db_backends())
        return {"web": web, "db": db}

    def db_backends(self) -> list[int]:
        with psycopg2.connect(self.args.admin_dsn) as connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.args.db_name],
            )
            return [row[0] for row in cursor.fetchall()]

    def rss(self) -> int:
        return sum(_rss_bytes(p) for p in [self.process.pid, *self.workers()])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None


class Sampler:
    """Peak memory of the web processes while a scenario runs."""

    def __init__(self, stack: Stack):
        self.stack, self.peak, self.peak_worker = stack, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.stack.rss())
            self.peak_worker = max(
                [self.peak_worker, *(_rss_bytes(p) for p in self.stack.workers())]
            )
            self._stop.wait(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


class Measured:
    """CPU seconds of the web server and of its database backends, and peak memory, around a
    load run: per request = delta / requests."""

    def __init__(self, stack: Stack):
        self.stack = stack

    def __enter__(self):
        self.stack.db_pids = self.stack.db_backends()
        self.before = self.stack.cpu()
        self.machine_before = _machine_busy_seconds()
        self.started = time.time()
        self.sampler = Sampler(self.stack).__enter__()
        return self

    def __exit__(self, *exc):
        self.sampler.__exit__()
        after = self.stack.cpu()
        self.seconds = time.time() - self.started
        self.cpu = {k: after[k] - self.before[k] for k in after}
        busy, _ = _machine_busy_seconds()
        self.machine_busy = busy - self.machine_before[0]

    def per_request(self, requests: int) -> dict:
        n = max(requests, 1)
        return {
            "server_cpu_ms_per_request": round(1000 * self.cpu["web"] / n, 3),
            "db_cpu_ms_per_request": round(1000 * self.cpu["db"] / n, 3),
            "server_cpu_utilisation_cores": round(self.cpu["web"] / max(self.seconds, 0.001), 2),
            # Everything the machine ran meanwhile (server, database, load generator and other
            # people's work): on a machine at rest, little more than the first three.
            "machine_busy_cores": round(self.machine_busy / max(self.seconds, 0.001), 2),
            "load_average_after": round(os.getloadavg()[0], 2),
            "web_rss_peak_mb": round(self.sampler.peak / 2**20, 1),
        }


# --- helpers -----------------------------------------------------------------------------------


def django_task(args, env, *task_args, timeout=600) -> None:
    command = [PY, str(BENCH / "django_tasks.py"), *map(str, task_args)]
    completed = subprocess.run(command, cwd=ROOT, env=env, timeout=timeout, capture_output=True)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout.decode() + completed.stderr.decode())
        raise SystemExit(f"bench task failed: {' '.join(map(str, task_args))}")
    return completed.stdout.decode()


def load_json(path: Path):
    return json.loads(path.read_text())


def machine_info(args) -> dict:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    git = lambda *a: subprocess.run(  # noqa: E731
        ["git", *a], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    with psycopg2.connect(args.admin_dsn) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "ram_gb": round(mem_kb / 2**20, 1),
        "load_average_at_start": os.getloadavg(),
        # A copy of a commit outside git (`git archive`) names it in BENCH_GIT_SHA.
        "git_sha": git("rev-parse", "--short", "HEAD") or os.environ.get("BENCH_GIT_SHA", ""),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "python": platform.python_version(),
        "postgresql": postgres,
        "redis": redis.Redis.from_url(args.redis_url).info()["redis_version"],
        "wrk": shutil.which("wrk") is not None,
    }


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk missing: apt-get install -y wrk")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True, timeout=180)
    return shutil.which("wrk")


# --- scenarios -----------------------------------------------------------------------------------


def wrk_run(args, stack, mode: str, records: Path, seconds: float, first_seq: int = 1) -> dict:
    command = [
        args.wrk, f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{seconds}s",
        "--timeout", "10s", "-s", str(BENCH / "wrk/bench.lua"), f"http://127.0.0.1:{args.port}",
        "--", mode, str(records), str(first_seq), str(args.wrk_threads),
    ]  # fmt: skip
    with Measured(stack) as measured:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = [x for x in completed.stdout.splitlines() if x.startswith("{")]
    if not line:
        raise SystemExit("wrk gave no result:\n" + completed.stdout + completed.stderr)
    raw = json.loads(line[-1])
    requests = raw["requests"]
    errors = raw["socket_errors"] + raw["non_2xx"] + raw["bad"]
    spread = worker_spread(raw.get("workers", {}), workers=args.workers)
    return {
        "tool": "wrk",
        "mode": mode,
        "worker_spread": spread,
        "connections": args.connections,
        "seconds": round(raw["duration_us"] / 1e6, 2),
        "requests": requests,
        "throughput_rps": round(requests / (raw["duration_us"] / 1e6), 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
        "error_rate": round(errors / max(requests, 1), 5),
        "queries_per_request": round(raw["queries"] / max(raw["counted"], 1), 2),
        **measured.per_request(requests),
    }


def warm_up(args, items: list[dict]) -> None:
    """Each attempt's quiz page and one save of its first question, once, eight at a time."""

    def visit(item: dict) -> None:
        headers = {
            "Cookie": f"sessionid={item['session']}; csrftoken={WRK_CSRF}",
            "X-CSRFToken": WRK_CSRF,
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1:{args.port}/",
            "Content-Type": "application/json",
        }
        question = item["questions"][0]
        body = json.dumps({"question": question["id"], "choices": [question["tokens"][0]],
                           "seq": 1})  # fmt: skip
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        try:
            connection.request("GET", f"/bai-thi/{item['attempt']}/", headers=headers)
            connection.getresponse().read()
            connection.request("POST", f"/bai-thi/{item['attempt']}/luu/", body,
                               {**headers, "X-Attempt-Pass": item["pass"]})  # fmt: skip
            connection.getresponse().read()
        finally:
            connection.close()

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(visit, items))


def scenario_ceilings(args, stack, env, state) -> dict:
    prestart = args.work / "prestarted.json"
    django_task(args, env, "prestart", "--state", args.state_path, "--count",
                args.ceiling_attempts, "--out", prestart)  # fmt: skip
    records = args.work / "records.txt"
    lines = []
    items = load_json(prestart)
    # Question by question across all attempts: the warm-up touches every attempt early.
    for position in range(max(len(item["questions"]) for item in items)):
        for item in items:
            if position < len(item["questions"]):
                q = item["questions"][position]
                lines.append(f"{item['session']} {item['attempt']} {q['id']} {q['tokens'][0]} "
                             f"{q['tokens'][1]} {item['pass']}")  # fmt: skip
    records.write_text("\n".join(lines) + "\n")
    seconds = args.ceiling_seconds
    out = {}
    # Warm-up: every attempt's page and first save once (a participant has loaded the page
    # before saving; the page and the attempt's facts are then cached, as at a warm server
    # mid-contest), then a short wrk run so every worker loads its code paths.
    warm_up(args, items)
    wrk_run(args, stack, "page", records, max(2, seconds // 4))
    wrk_run(args, stack, "save", records, max(2, seconds // 4), first_seq=1)
    out["empty_before"] = wrk_run(args, stack, "empty", records, seconds)
    out["answer_save"] = wrk_run(args, stack, "save", records, seconds, first_seq=100_000)
    out["quiz_page"] = wrk_run(args, stack, "page", records, seconds)
    out["empty_after"] = wrk_run(args, stack, "empty", records, seconds)
    empty = (out["empty_before"]["throughput_rps"] + out["empty_after"]["throughput_rps"]) / 2
    out["empty_mean_rps"] = round(empty, 1)
    out["save_vs_empty"] = round(out["answer_save"]["throughput_rps"] / empty, 3)
    out["page_vs_empty"] = round(out["quiz_page"]["throughput_rps"] / empty, 3)
    # The primary figures: the empty view's server CPU per request over this request's.
    empty_cpu = (
        out["empty_before"]["server_cpu_ms_per_request"]
        + out["empty_after"]["server_cpu_ms_per_request"]
    ) / 2
    out["empty_cpu_ms_per_request"] = round(empty_cpu, 3)
    for name, key in (("answer_save", "save_vs_empty_cpu"), ("quiz_page", "page_vs_empty_cpu")):
        out[key] = round(empty_cpu / max(out[name]["server_cpu_ms_per_request"], 1e-6), 3)
    for name in ("empty_before", "answer_save", "quiz_page", "empty_after"):
        spread_require(name, out[name]["worker_spread"], allow=args.allow_pinned)
    return out


def locust_run(args, stack, env, name: str, users: int, seconds: float, extra: dict) -> dict:
    prefix = args.work / f"locust-{name}"
    acks = args.work / f"acks-{name}.jsonl"
    queries = args.work / f"queries-{name}.json"
    locust_env = {
        **env,
        "BENCH_STATE": str(args.state_path),
        "BENCH_HOST": f"127.0.0.1:{args.port}",
        "BENCH_ACKS": str(acks),
        "BENCH_QUERIES": str(queries),
        **{k: str(v) for k, v in extra.items()},
    }
    command = [
        str(VENV_BIN / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless",
        "-u", str(users), "-r", str(extra.get("spawn_rate", max(users, 1))),
        "-t", f"{int(seconds)}s", "--stop-timeout", "10",
        "--host", f"http://127.0.0.1:{args.port}", "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING", "--skip-log-setup",
    ]  # fmt: skip
    with Measured(stack) as measured:
        completed = subprocess.run(
            command, cwd=ROOT, env=locust_env, capture_output=True, text=True,
            timeout=seconds + 120,
        )  # fmt: skip
    stats_path = Path(f"{prefix}_stats.csv")
    if not stats_path.exists():
        raise SystemExit(
            "locust gave no stats:\n" + completed.stdout[-3000:] + completed.stderr[-3000:]
        )
    counted = load_json(queries) if queries.exists() else {}
    per_worker = counted.pop("_workers", {})
    rows = {}
    total_requests = 0
    with stats_path.open() as handle:
        for row in csv.DictReader(handle):
            requests = int(row["Request Count"])
            failures = int(row["Failure Count"])
            entry = {
                "requests": requests,
                "failures": failures,
                "error_rate": round(failures / max(requests, 1), 5),
                "throughput_rps": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
                "max_ms": round(float(row["Max Response Time"] or 0), 1),
            }
            if row["Name"] in counted:
                n, q, t = counted[row["Name"]]
                entry["queries_per_request"] = round(q / max(n, 1), 2)
                entry["transaction_statements_per_request"] = round(t / max(n, 1), 2)
            if row["Name"] == "Aggregated":
                total_requests = requests
                rows["all"] = entry
            else:
                rows[row["Name"]] = entry
    failures_path = Path(f"{prefix}_failures.csv")
    failures = []
    if failures_path.exists():
        with failures_path.open() as handle:
            failures = [
                {"name": r["Name"], "error": r["Error"][:200], "count": int(r["Occurrences"])}
                for r in csv.DictReader(handle)
            ][:10]
    spread = worker_spread(per_worker, workers=args.workers)
    spread_require(name, spread, allow=args.allow_pinned)
    return {
        "tool": "locust (FastHttpUser)",
        "worker_spread": spread,
        "users": users,
        "seconds": round(measured.seconds, 1),
        "requests": rows,
        "failures": failures,
        "acks_file": acks,
        **measured.per_request(total_requests),
    }


def correctness(args, env, name: str, acks: list[Path]) -> dict:
    out = args.work / f"check-{name}.json"
    django_task(args, env, "check", "--out", out, "--acks", *acks)
    return load_json(out)


def scenario_rush(args, stack, env, state) -> dict:
    n = args.rush
    opened = json.loads(
        django_task(args, env, "rush-open", "--round", state["rush_round"], "--in-seconds", 4)
    )
    result = locust_run(
        args, stack, env, "rush", min(n, args.rush_users), args.rush_window + 150,
        {"BENCH_SCENARIO": "rush", "BENCH_OFFSET": args.ceiling_attempts, "BENCH_COUNT": n,
         "BENCH_WINDOW": args.rush_window, "BENCH_STARTS_AT": opened["starts_at"],
         "BENCH_ROUND": state["rush_round"], "spawn_rate": 1000},
    )  # fmt: skip
    with psycopg2.connect(args.dsn) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), MIN(started_at), MAX(started_at) FROM quizzes_attempt"
            " WHERE round_id = %s",
            [state["rush_round"]],
        )
        count, first, last = cursor.fetchone()
    result["participants"] = n
    result["window_seconds"] = args.rush_window
    served = sum(row["requests"] for name, row in result["requests"].items() if name != "all")
    result["server_cpu_ms_per_person"] = round(
        result["server_cpu_ms_per_request"] * served / max(n, 1), 3
    )
    result["attempts_created"] = count
    result["starts_spread_seconds"] = round((last - first).total_seconds(), 2) if count else 0
    result["check"] = correctness(args, env, "rush", [])
    return result


def scenario_mixed(args, stack, env, state) -> dict:
    offset = args.ceiling_attempts + args.rush
    result = locust_run(
        args, stack, env, "mixed", args.mixed_users, args.mixed_seconds,
        {"BENCH_SCENARIO": "mixed", "BENCH_OFFSET": offset, "BENCH_COUNT": args.mixed_users,
         "BENCH_THINK": args.think, "BENCH_ROUND": state["main_round"],
         "spawn_rate": max(50, args.mixed_users // 5)},
    )  # fmt: skip
    result["think_seconds"] = args.think
    result["equivalent_people_at_20s_per_answer"] = int(args.mixed_users * 20 / args.think)
    result["check"] = correctness(args, env, "mixed", [result.pop("acks_file")])
    return result


def scenario_login(args, stack, env, state) -> dict:
    result = locust_run(
        args, stack, env, "login", args.login_users, args.login_seconds,
        {"BENCH_SCENARIO": "login"},
    )  # fmt: skip
    result.pop("acks_file")
    return result


def scenario_ranking(args, stack, env, state) -> dict:
    out = args.work / "big.json"
    django_task(args, env, "big-round", "--attempts", args.rank_attempts, "--out", out,
                timeout=900)  # fmt: skip
    big = load_json(out)
    ranked = args.work / "rank.json"
    django_task(args, env, "rank", "--round", big["round"], "--out", ranked, timeout=900)
    return {"generated": big, **load_json(ranked)}


def scenario_export(args, stack, env, state) -> dict:
    out = args.work / "export-round.json"
    rows = args.export_rows
    django_task(args, env, "big-round", "--attempts", rows, "--people", rows, "--out", out,
                timeout=900)  # fmt: skip
    big = load_json(out)
    ranked = args.work / "export-rank.json"
    django_task(args, env, "rank", "--round", big["round"], "--out", ranked, timeout=900)
    rank = load_json(ranked)
    headers = {
        "Cookie": f"sessionid={state['staff_session']}",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "10.200.0.1",
    }
    with Sampler(stack) as sampler:
        baseline = max(_rss_bytes(p) for p in stack.workers())
        started = time.time()
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=600)
        connection.request("GET", f"/bao-cao/xep-hang/{big['round']}.csv", headers=headers)
        response = connection.getresponse()
        first_byte = time.time() - started
        size = lines = 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.time() - started
    return {
        "status": response.status,
        "rows_ranked": rank["stored_results"],
        "rank_seconds_for_export_round": rank["rank_seconds"],
        "csv_lines": lines,
        "megabytes": round(size / 2**20, 1),
        "seconds": round(seconds, 2),
        "time_to_first_byte_s": round(first_byte, 3),
        "rows_per_second": round(lines / max(seconds, 0.001)),
        "worker_rss_before_mb": round(baseline / 2**20, 1),
        "worker_rss_peak_mb": round(sampler.peak_worker / 2**20, 1),
        "web_rss_peak_mb": round(sampler.peak / 2**20, 1),
    }


# --- the report ---------------------------------------------------------------------------------


def report_markdown(result: dict) -> str:
    from report import markdown  # bench/report.py

    return markdown(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under 2 minutes")
    parser.add_argument("--only", default="abcdef", help="scenarios to run, e.g. 'ae'")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 18000)))
    # deploy/gunicorn.conf.py's defaults on this class of machine (two CPUs).
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--allow-pinned",
        action="store_true",
        help=f"keep a run where one worker served > {MAX_WORKER_SHARE:.0%} (figures marked)",
    )
    parser.add_argument("--ceiling-seconds", type=int)
    parser.add_argument("--ceiling-attempts", type=int, default=200)
    parser.add_argument("--rush", type=int, help="participants pressing 'Vào thi'")
    parser.add_argument("--rush-window", type=float, default=10)
    parser.add_argument("--rush-users", type=int, default=500, help="Locust users for the rush")
    parser.add_argument(
        "--start-rate", type=float, default=float(os.environ.get("START_QUEUE_RATE") or 70),
        help="starts a second the server admits; beyond it, the waiting page (START_QUEUE_RATE)",
    )  # fmt: skip
    parser.add_argument("--mixed-users", type=int)
    parser.add_argument("--mixed-seconds", type=int)
    parser.add_argument("--think", type=float, help="seconds between answers in the mixed flow")
    parser.add_argument("--login-users", type=int, default=40)
    parser.add_argument("--login-seconds", type=int)
    parser.add_argument("--rank-attempts", type=int)
    parser.add_argument("--export-rows", type=int)
    parser.add_argument("--db-name", default=os.environ.get("BENCH_DB_NAME", "contest_benchrun"))
    parser.add_argument(
        "--pg",
        default=os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x").rsplit(
            "/", 1
        )[0],
        help="PostgreSQL server (the bench creates and drops its own database there)",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    )
    parser.add_argument("--results", default=str(BENCH / "results"))
    parser.add_argument("--label", default="", help="added to the report's file name")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--before", help="an earlier run's JSON: the report shows its figures beside this run's"
    )
    args = parser.parse_args()
    # Stopped from outside (timeout, kill): still stop the server and drop the database.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    quick = args.quick
    defaults = {
        "ceiling_seconds": 4 if quick else 15,
        "rush": 1000 if quick else 5000,
        "mixed_users": 300 if quick else 600,
        "mixed_seconds": 20 if quick else 60,
        "think": 2.0,
        "login_seconds": 8 if quick else 20,
        "rank_attempts": 100_000 if quick else 1_000_000,
        "export_rows": 100_000 if quick else 1_000_000,
    }
    for key, value in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if quick:
        args.ceiling_attempts = min(args.ceiling_attempts, 100)
    args.dsn = f"{args.pg}/{args.db_name}"
    args.admin_dsn = f"{args.pg}/postgres"
    args.work = ROOT / "var" / "bench"
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    args.state_path = args.work / "state.json"
    started = time.time()

    if "a" in args.only:
        args.wrk = ensure_wrk()
        if not args.wrk:
            log("wrk not found and not installable: scenario a (ceilings) skipped")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "GUNICORN"))},
        "DJANGO_SETTINGS_MODULE": "contest_site.settings.production",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ADMIN_URL_PATH": "quan-tri-bench/",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"https://127.0.0.1:{args.port}",
        "DATABASE_URL": args.dsn,
        "DB_CONN_MAX_AGE": "600",
        "REDIS_URL": args.redis_url,
        "CELERY_BROKER_URL": args.redis_url,
        "CACHE_KEY_PREFIX": "contest-bench",
        "BENCH_ENDPOINTS": "true",
        "RATE_LIMITS_ENABLED": "false",
        "START_QUEUE_RATE": str(args.start_rate),
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(args.work / "var"),
        "STATIC_ROOT": str(args.work / "static"),
        "TRUSTED_PROXY_COUNT": "1",
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "GUNICORN_WORKERS": str(args.workers),
        "GUNICORN_THREADS": str(args.threads),
        "PYTHONPATH": str(BENCH),
    }
    result = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "quick" if quick else "default",
        "machine": machine_info(args),
        "stack": {
            "server": f"gunicorn {args.worker_class}, {args.workers} workers x "
            f"{args.threads} threads",
            "settings": "contest_site.settings.production (DEBUG off), PostgreSQL, Redis "
            "cache + cached_db sessions, DB_CONN_MAX_AGE=600, static files not served",
            "rate_limits": "off (all load comes from one address)",
        },
        "parameters": {k: v for k, v in vars(args).items() if k in defaults or k in (
            "workers", "threads", "worker_class", "connections", "wrk_threads", "rush_window",
            "start_rate",
            "rush_users",
            "login_users", "ceiling_attempts")},
        "scenarios": {},
        "notes": [],
    }  # fmt: skip
    stack = Stack(args, env)
    try:
        log(f"database {args.db_name}, Redis {args.redis_url}")
        admin_sql(
            args.admin_dsn,
            f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)',
            f'CREATE DATABASE "{args.db_name}"',
        )
        redis.Redis.from_url(args.redis_url).flushdb()
        manage = [PY, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                       check=True, timeout=300)  # fmt: skip
        participants = args.ceiling_attempts + args.rush + args.mixed_users
        t = time.time()
        django_task(args, env, "seed", "--participants", participants, "--out",
                    args.state_path)  # fmt: skip
        state = load_json(args.state_path)
        result["seed"] = {
            "participants_with_sessions": participants,
            "login_accounts": len(state["login_phones"]),
            "questions": state["questions"],
            "seconds": round(time.time() - t, 1),
        }
        log(f"seeded {participants} participants, {state['questions']} questions in "
            f"{result['seed']['seconds']} s")  # fmt: skip
        stack.start()
        log(f"gunicorn up on 127.0.0.1:{args.port}")
        runs = [
            ("a", "ceilings", scenario_ceilings),
            ("b", "rush", scenario_rush),
            ("c", "mixed", scenario_mixed),
            ("d", "login", scenario_login),
            ("e", "ranking", scenario_ranking),
            ("f", "export", scenario_export),
        ]
        for letter, name, run in runs:
            if letter not in args.only:
                continue
            if letter == "a" and not args.wrk:
                result["notes"].append("wrk missing: the ceilings (a) were not measured")
                continue
            log(f"scenario {letter}: {name}")
            t = time.time()
            result["scenarios"][name] = run(args, stack, env, state)
            result["scenarios"][name]["wall_seconds"] = round(time.time() - t, 1)
            log(f"scenario {letter} done in {time.time() - t:.0f} s")
        if "a" in args.only and args.wrk:
            check = correctness(args, env, "ceilings", [])
            result["scenarios"]["ceilings"]["check"] = check
        if "c" in args.only:
            django_task(args, env, "storage", "--out", args.work / "storage.json")
            result["storage"] = load_json(args.work / "storage.json")
    finally:
        stack.stop()
        if not args.keep:
            admin_sql(args.admin_dsn, f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
            redis.Redis.from_url(args.redis_url).flushdb()
    result["total_seconds"] = round(time.time() - started, 1)
    result["machine"]["load_average_at_end"] = os.getloadavg()
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    stem = f"{dt.date.today().isoformat()}-{result['machine']['git_sha']}"
    if quick:
        stem += "-quick"
    if args.label:
        stem += f"-{args.label}"
    base, taken = stem, 1
    while (results / f"{stem}.json").exists():  # an earlier run of the same commit is kept
        taken += 1
        stem = f"{base}-{taken}"
    sys.path.insert(0, str(BENCH))
    if args.before:
        from report import summary  # bench/report.py

        result["before"] = summary(load_json(Path(args.before)))
    (results / f"{stem}.json").write_text(json.dumps(result, indent=1, default=str))
    (results / f"{stem}.md").write_text(report_markdown(result))
    log(f"report: {results / stem}.md ({result['total_seconds']} s in all)")


if __name__ == "__main__":
    main()
