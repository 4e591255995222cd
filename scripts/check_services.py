"""Stop `make test` early, with a clear message, when PostgreSQL or Redis does not answer."""

import os
import socket
import sys
from urllib.parse import urlparse

SERVICES = [
    (
        "PostgreSQL",
        os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/contest"),
        5432,
    ),
    ("Redis", os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"), 6379),
]


def main() -> int:
    missing = []
    for name, url, default_port in SERVICES:
        parsed = urlparse(url)
        host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
        try:
            socket.create_connection((host, port), timeout=3).close()
        except OSError as error:
            missing.append(f"{name} at {host}:{port} is unreachable ({error.strerror or error}).")
    if missing:
        print("make test needs PostgreSQL and Redis:", *missing, sep="\n  ", file=sys.stderr)
        print(
            "Start them (see README), or point TEST_DATABASE_URL / TEST_REDIS_URL elsewhere.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
