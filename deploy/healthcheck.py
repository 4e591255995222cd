"""Container health checks (docker-compose.yml), with the standard library and kombu only, so
they cost a fraction of a second:

    python deploy/healthcheck.py web      # /healthz of the gunicorn in this container answers 200
    python deploy/healthcheck.py broker   # the Celery broker accepts a connection (beat)

The worker is checked with `celery inspect ping` against its own node name instead.
"""

import os
import sys
import urllib.error
import urllib.request


def _site_host() -> str:
    """A host name Django accepts (ALLOWED_HOSTS), so the probe is not refused with a 400."""
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def web_check() -> bool:
    port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": _site_host()}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError) as error:
        print(f"web: /healthz failed: {error}", file=sys.stderr)
        return False


def broker_check() -> bool:
    from kombu import Connection

    url = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL", "")
    try:
        with Connection(url, connect_timeout=5) as broker:
            broker.ensure_connection(max_retries=0, timeout=5)
    except Exception as error:  # any failure means unhealthy
        print(f"broker: {error!r}", file=sys.stderr)
        return False
    return True


CHECKS = {"web": web_check, "broker": broker_check}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(CHECKS)}}}")
    sys.exit(0 if CHECKS[sys.argv[1]]() else 1)
