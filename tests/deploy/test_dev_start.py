"""What a fresh clone needs at start: SITE_URL follows the address `make run` serves (QR codes,
banners and certificates pointed at port 8000 whatever the port), and Celery beat starts with
DATABASE_URL set on a clone that has no var/ folder yet (it crashed opening its schedule)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def _base_settings(code: str, **env: str | None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "VAR_DIR"}}
    environment["DJANGO_SETTINGS_MODULE"] = "contest_site.settings.base"
    for key, value in env.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _make_run_site_url(host: str, port: str, site_url: str | None = None) -> str:
    """SITE_URL as scripts/run-dev.sh exports it, from its own lines, run by bash."""
    script = (ROOT / "scripts" / "run-dev.sh").read_text()
    lines = script[script.index("case $host") : script.index("\n", script.index("export SITE_URL"))]
    env = {"PATH": os.environ["PATH"], "host": host, "port": port}
    if site_url:
        env["SITE_URL"] = site_url
    result = subprocess.run(
        ["bash", "-c", f'{lines}\necho "$SITE_URL"'], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("host", "port", "site_url", "expected"),
    [
        ("127.0.0.1", "8017", None, "http://127.0.0.1:8017"),
        ("0.0.0.0", "8123", None, "http://127.0.0.1:8123"),
        ("192.168.1.20", "8000", None, "http://192.168.1.20:8000"),
        ("127.0.0.1", "8017", "https://thi.example.vn", "https://thi.example.vn"),
    ],
)
def test_make_run_links_to_the_address_it_serves(host, port, site_url, expected):
    exported = _make_run_site_url(host, port, site_url)
    assert exported == expected
    # …and the settings take it (the web server, the worker and beat all start after it).
    result = _base_settings(
        "from django.conf import settings; print(settings.SITE_URL)", SITE_URL=exported + "/"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_make_run_exports_it_before_starting_the_server_the_worker_and_beat():
    script = (ROOT / "scripts" / "run-dev.sh").read_text()
    exported = script.index("export SITE_URL")
    assert exported < script.index("celery -A contest_site worker")
    assert exported < script.index("celery -A contest_site beat")
    assert exported < script.index("manage.py runserver")
    makefile = (ROOT / "Makefile").read_text()
    assert 'bash scripts/run-dev.sh "$(HOST)" "$(PORT)"' in makefile


def test_celery_beat_starts_on_a_clone_without_var_and_with_database_url(tmp_path):
    var_dir = tmp_path / "fresh-clone" / "var"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "contest_site.settings.base",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": settings.CACHES["default"]["LOCATION"],
        "VAR_DIR": str(var_dir),
    }
    beat = subprocess.Popen(
        [str(CELERY), "-A", "contest_site", "beat", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and beat.poll() is None:
            if list(var_dir.glob("celerybeat-schedule*")):
                break
            time.sleep(0.25)
        time.sleep(2)  # still running after opening its schedule
        alive = beat.poll() is None
    finally:
        beat.terminate()
        output, _ = beat.communicate(timeout=30)
    assert alive, output[-3000:]
    assert list(var_dir.glob("celerybeat-schedule*")), output[-3000:]
