"""gunicorn configuration for the web service: `gunicorn -c deploy/gunicorn.conf.py
contest_site.wsgi:application`. Every number can be changed from the environment.

Why these defaults:
- Worker class gthread: a request spends much of its time waiting on PostgreSQL and Redis
  (an answer save is one guarded UPDATE), so a few threads per process keep the CPU busy
  while others wait, at a fraction of the memory of extra processes.
- GUNICORN_WORKERS = twice the CPUs available to the container (at least 2), GUNICORN_THREADS
  = 2: the same 4 requests in flight per core as 1 process x 4 threads, but fewer threads
  contending for each process's GIL. Once the save and the quiz page cost a millisecond or two,
  the waits (a Redis round trip, a query) were a large part of each request, and 4 threads
  handing one GIL to each other left the cores part idle. On 2 cores (bench/, 2026-12-02,
  commit 2617574), 4 x 2 served 872–997 saves/s and 580–830 quiz pages/s in four runs, where
  2 x 4 served 596–820 and 520–629 in six (save p99 86–277 ms against 77–715 ms), with the
  CPU per request as good or better (save 66–70 % of the empty view's against 59–72 %, page
  39–50 % against 35–44 %). One process per core at least runs Python in
  parallel; 2 at least, so one worker being recycled or killed never leaves the container
  without a server. Each thread keeps its own PostgreSQL connection (DB_CONN_MAX_AGE), so
  connections = web containers x workers x threads: 4 containers x 4 workers x 2 threads = 32
  on 2-core containers, well under max_connections (docker-compose.yml) with room for the
  Celery workers. Check that sum when scaling out (docs/operations.md). A process takes
  ≈ 65–100 MB.
- GUNICORN_REUSE_PORT = on: each worker opens its own listening socket (SO_REUSEPORT) and
  the kernel spreads new connections over them. With one shared socket, the first worker to
  wake accepts a burst of keep-alive connections and keeps them: in 5 of 10 bench runs one
  worker served everything while the other idled (issue 18), and any keep-alive proxy or
  load balancer pins connections the same way. A restarted worker's queued connections are
  reset: the client (or nginx) retries them.
- The sizing table in docs/operations.md gives the figures measured by bench/.
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in ("1", "true", "yes", "on")


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", max(2, 2 * _cpus()))
threads = _int("GUNICORN_THREADS", 2)
reuse_port = _bool("GUNICORN_REUSE_PORT", True)
# A request slower than this is stuck (the slowest page, an export, streams and keeps the
# worker alive); the master kills and replaces the worker, the proxy answers 502 for it.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# nginx opens one connection per request (deploy/nginx.conf re-resolves the web containers'
# addresses, which rules out its connection pool); keep-alive only serves a load balancer
# sending straight to gunicorn, and must be shorter than that balancer's idle timeout.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak cannot grow without bound; the jitter keeps
# them from restarting all at once. Not too often: at the 00h peak a worker serves some 500
# requests a second (bench/), and every restart costs a second of CPU and cold caches —
# 5,000 recycled each worker every ten seconds.
max_requests = _int("GUNICORN_MAX_REQUESTS", 200_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 20_000)
# Temporary files on tmpfs-backed /dev/shm: the heartbeat must not block on a slow disk.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (
    "/dev/shm" if os.path.isdir("/dev/shm") else None
)

# No gunicornc control socket (gunicorn 25+): containers are managed by compose, and the
# unprivileged user's home in the image is read-only.
control_socket_disable = True

# Logs on stdout/stderr, the access log as JSON lines with the proxy's request id.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "request_id": "%({x-request-id}i)s", '
    '"remote": "%({x-forwarded-for}i)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "user_agent": "%(a)s"}'
)
# gunicorn's own messages as JSON lines too (like Django's); access lines are already JSON.
# Not propagated to the root logger, which Django configures: each line is written once.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "contest_site.request_logging.JsonFormatter"},
        "raw": {"format": "%(message)s"},
    },
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "raw",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}
