#!/usr/bin/env bash
# CI: the production settings pass `check --deploy`, and gunicorn started with them (and
# deploy/gunicorn.conf.py) against a scratch PostgreSQL database, migrated, answers /healthz
# with 200 and renders the home page with the hashed static files. Every step is bounded in
# time; any failure fails the script. The scratch database is dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
base_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/contest}
redis_url=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
port=${SMOKE_PORT:-18765}
db="contest_deploy_smoke_$$"
scratch_url="${base_url%/*}/$db"
work=$(mktemp -d)
gunicorn_pid=""

database() {  # database create|drop NAME, through the maintenance database
  timeout 30 "$PY" - "$base_url" "$1" "$2" <<'PYEOF'
import sys
import psycopg2
url, action, name = sys.argv[1:]
connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
connection.autocommit = True
with connection.cursor() as cursor:
    if action == "create":
        cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
PYEOF
}

cleanup() {
  if [ -n "$gunicorn_pid" ] && kill -0 "$gunicorn_pid" 2>/dev/null; then
    kill -TERM "$gunicorn_pid" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$gunicorn_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$gunicorn_pid" 2>/dev/null || true
  fi
  database drop "$db" || true
  rm -rf "$work"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=contest_site.settings.production
export SECRET_KEY
SECRET_KEY=$("$PY" -c "import secrets; print(secrets.token_urlsafe(50))")
export ALLOWED_HOSTS=smoke.example.test SITE_URL=https://smoke.example.test
export ADMIN_URL_PATH=quan-tri-smoke/
export DATABASE_URL="$scratch_url" REDIS_URL="$redis_url" CELERY_BROKER_URL=""
export STATIC_ROOT="$work/static" MEDIA_ROOT="$work/media" VAR_DIR="$work/var"
export GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS=2 GUNICORN_THREADS=2

echo "deploy smoke: check --deploy"
timeout 60 "$PY" manage.py check --deploy --fail-level WARNING

echo "deploy smoke: scratch database $db, migrate, collectstatic"
database create "$db"
timeout 300 "$PY" manage.py migrate --noinput >"$work/migrate.log"
timeout 120 "$PY" manage.py collectstatic --noinput >"$work/collectstatic.log"

echo "deploy smoke: gunicorn on 127.0.0.1:$port"
"$PY" -m gunicorn -c deploy/gunicorn.conf.py contest_site.wsgi:application \
  >"$work/gunicorn.log" 2>&1 &
gunicorn_pid=$!

healthy=""
for _ in $(seq 60); do
  if ! kill -0 "$gunicorn_pid" 2>/dev/null; then break; fi
  if "$PY" deploy/healthcheck.py web 2>/dev/null; then healthy=yes; break; fi
  sleep 0.5
done
if [ -z "$healthy" ]; then
  echo "deploy smoke: /healthz did not answer 200 within 30 s; gunicorn log:" >&2
  cat "$work/gunicorn.log" >&2
  exit 1
fi

timeout 30 "$PY" - "$port" <<'PYEOF'
import json
import re
import sys
import urllib.request

port = sys.argv[1]
headers = {"Host": "smoke.example.test", "X-Forwarded-Proto": "https"}


def get(path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read().decode()


status, response_headers, body = get("/healthz")
report = json.loads(body)
print("deploy smoke: /healthz", status, json.dumps(report["checks"], ensure_ascii=False))
assert status == 200 and report["status"] in ("ok", "degraded"), report
for name in ("database", "cache", "broker"):
    assert report["checks"][name]["ok"], (name, report)
assert response_headers.get("X-Request-ID"), response_headers

status, response_headers, body = get("/")
print("deploy smoke: / ", status)
assert status == 200, status
assert "Strict-Transport-Security" in response_headers, response_headers
assert "script-src 'self'" in response_headers["Content-Security-Policy"], response_headers
# Hashed name from the manifest (the proxy serves these with a one-year cache).
assert re.search(r"/static/css/site\.[0-9a-f]{12}\.css", body), body[:800]
PYEOF

echo "deploy smoke: ok"
