#!/usr/bin/env bash
# `make run`: migrate, seed the demo, start a Celery worker and beat, then the web server.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
# The web server, the worker and beat build links (QR codes, banners, certificates) to the
# address actually served, unless SITE_URL is set.
case $host in 0.0.0.0 | "::") link_host=127.0.0.1 ;; *) link_host=$host ;; esac
export SITE_URL=${SITE_URL:-http://$link_host:$port}
py=.venv/bin/python
mkdir -p var/log
$py manage.py migrate --noinput
$py manage.py seed_demo
$py manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true

.venv/bin/celery -A contest_site worker --loglevel=INFO --concurrency=1 >var/log/worker.log 2>&1 &
worker=$!
.venv/bin/celery -A contest_site beat --loglevel=INFO >var/log/beat.log 2>&1 &
beat=$!
trap 'kill $worker $beat 2>/dev/null || true' EXIT INT TERM

echo
$py manage.py seed_demo --banner
echo "  Nhật ký Celery: var/log/worker.log, var/log/beat.log"
echo
$py manage.py runserver "$host:$port"
