"""docker-compose.yml, the Dockerfile and deploy/ are consistent with the project, checked
without a Docker engine: every command they run exists, exactly one beat, health checks,
configuration only from .env, nothing that breaks `--scale web=4 --scale worker=3`, and every
variable the settings read documented in .env.example."""

import importlib
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.bin.celery import celery as celery_cli
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict] = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
NGINX_CONF = (ROOT / "deploy" / "nginx.conf").read_text()
ENV_EXAMPLE = (ROOT / ".env.example").read_text()

APP_SERVICES = ["migrate", "web", "worker", "beat"]
ONE_SHOT = {name for name, service in SERVICES.items() if service.get("restart") == "no"}


def _argv(command: str | list[str]) -> list[str]:
    return list(command) if isinstance(command, list) else shlex.split(command)


def _healthcheck_argv(service: dict) -> list[str]:
    test = service["healthcheck"]["test"]
    if test[0] == "CMD-SHELL":
        return shlex.split(test[1].replace("$$", "$"))
    assert test[0] == "CMD", test
    return test[1:]


def _project_commands() -> list[tuple[str, list[str]]]:
    """Every command a container of the app image runs: its command and its health check."""
    commands = []
    for name in APP_SERVICES:
        service = SERVICES[name]
        commands.append((f"{name}.command", _argv(service["command"])))
        if "healthcheck" in service:
            commands.append((f"{name}.healthcheck", _healthcheck_argv(service)))
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE)
    commands.append(("Dockerfile CMD", json.loads(cmd.group(1))))
    return commands


def _dockerfile_stages() -> dict[str, str]:
    """Stage name -> its instructions."""
    parts = re.split(r"^FROM ", DOCKERFILE, flags=re.MULTILINE)[1:]
    stages = {}
    for part in parts:
        header, _, body = part.partition("\n")
        image, _, name = header.partition(" AS ")
        stages[name.strip()] = f"FROM {image}\n{body}"
    return stages


# --- services --------------------------------------------------------------------------------


def test_the_stack_has_every_service():
    assert set(SERVICES) >= {"postgres", "redis", "migrate", "web", "worker", "beat", "nginx"}
    assert SERVICES["postgres"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")


def test_exactly_one_beat():
    beats = [
        name
        for name, service in SERVICES.items()
        if "command" in service
        and _argv(service["command"])[:1] == ["celery"]
        and (
            "beat" in _argv(service["command"]) or {"-B", "--beat"} & set(_argv(service["command"]))
        )
    ]

    assert beats == ["beat"]
    assert SERVICES["beat"].get("deploy", {}).get("replicas", 1) == 1


def test_every_long_running_service_has_a_health_check():
    assert sorted(ONE_SHOT) == ["migrate"]
    for name, service in SERVICES.items():
        if name in ONE_SHOT:
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
        assert service.get("restart") == "unless-stopped", name


def test_configuration_comes_only_from_the_env_file():
    for name, service in SERVICES.items():
        assert "environment" not in service, f"{name} sets variables outside .env"
    for name in [*APP_SERVICES, "postgres"]:
        assert SERVICES[name]["env_file"] in (".env", [".env"]), name


def test_migrations_run_once_before_web_worker_and_beat():
    assert _argv(SERVICES["migrate"]["command"]) == ["python", "manage.py", "migrate", "--noinput"]
    for name in ["web", "worker", "beat"]:
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert "migrate" not in " ".join(_argv(SERVICES[name]["command"])), name


@pytest.mark.parametrize("name", ["web", "worker"])
def test_scaled_services_keep_no_local_state(name):
    service = SERVICES[name]

    # Fixed names or published ports would collide between replicas.
    assert "container_name" not in service
    assert "ports" not in service
    # Files go to the volume shared by every replica (and read by nginx).
    assert "media:/srv/media" in service["volumes"]
    assert all(not volume.startswith((".", "/")) for volume in service["volumes"])


def test_nginx_serves_the_shared_media_and_reaches_every_web_container():
    nginx = SERVICES["nginx"]

    assert nginx["build"]["target"] == "proxy"
    assert "media:/srv/media:ro" in nginx["volumes"]
    assert nginx["depends_on"]["web"]["condition"] == "service_healthy"
    assert re.search(r"alias /srv/media/;", NGINX_CONF)
    assert re.search(r"alias /srv/static/;", NGINX_CONF)
    # A variable in proxy_pass with Docker's resolver: new replicas are found without a reload.
    assert "resolver 127.0.0.11" in NGINX_CONF
    assert "set $web http://web:8000;" in NGINX_CONF
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX_CONF
    assert "proxy_set_header X-Request-ID $request_id;" in NGINX_CONF
    mount = next(v for v in nginx["volumes"] if v.endswith(":/etc/nginx/certs:ro"))
    assert "/etc/nginx/certs/fullchain.pem" in NGINX_CONF
    assert mount.split(":")[0] == "./deploy/certs"


def test_named_volumes_are_declared():
    used = {
        volume.split(":")[0]
        for service in SERVICES.values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }
    assert used == set(COMPOSE["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]


# --- the commands exist in the project -------------------------------------------------------


@pytest.mark.parametrize(("where", "argv"), _project_commands(), ids=lambda v: str(v)[:40])
def test_every_command_exists(where, argv):
    program, *args = argv
    if program == "python" and args[0] == "manage.py":
        assert args[1] in get_commands(), f"{where}: no management command {args[1]}"
    elif program == "python":
        script = ROOT / args[0]
        assert script.is_file(), where
        if script.name == "healthcheck.py":
            spec = importlib.util.spec_from_file_location("healthcheck", script)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            assert args[1] in module.CHECKS, where
    elif program == "gunicorn":
        config = args[args.index("-c") + 1]
        assert (ROOT / config).is_file(), where
        module_name, _, attribute = args[-1].partition(":")
        assert callable(getattr(importlib.import_module(module_name), attribute)), where
    elif program == "celery":
        app_module = args[args.index("-A") + 1]
        app = importlib.import_module(app_module).celery_app
        assert isinstance(app, Celery)
        assert app.main == app_module
        subcommand = next(a for a in args[args.index("-A") + 2 :] if not a.startswith("-"))
        assert subcommand in celery_cli.commands, where
    else:
        pytest.fail(f"{where}: unknown program {program}")


def test_gunicorn_loads_its_configuration_and_the_application():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            "deploy/gunicorn.conf.py",
            "contest_site.wsgi:application",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_reads_workers_and_threads_from_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "7")
    monkeypatch.setenv("GUNICORN_THREADS", "3")
    config: dict = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), config)

    assert (config["workers"], config["threads"], config["worker_class"]) == (7, 3, "gthread")
    assert config["bind"] == "0.0.0.0:8000"


def test_gunicorn_defaults_to_two_processes_of_two_threads_per_cpu(monkeypatch):
    """deploy/gunicorn.conf.py explains the figures: 4 threads per process contended for its GIL."""
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    config: dict = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), config)

    cpus = len(os.sched_getaffinity(0))
    assert (config["workers"], config["threads"]) == (max(2, 2 * cpus), 2)


# --- the Dockerfile --------------------------------------------------------------------------


def test_the_app_image():
    app = _dockerfile_stages()["app"]

    assert app.startswith("FROM python:3.11-slim\n")
    assert (
        "COPY requirements/base.txt requirements/base.txt\n"
        "RUN pip install --require-hashes --no-deps -r requirements/base.txt\n"
    ) in app
    assert "python manage.py collectstatic --noinput" in app
    assert "DJANGO_SETTINGS_MODULE=contest_site.settings.production" in app
    users = re.findall(r"^USER (\S+)$", app, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert app.index("USER ") < app.index("CMD ")
    assert "useradd" in app


def test_the_proxy_image_carries_the_collected_static_files():
    proxy = _dockerfile_stages()["proxy"]

    assert proxy.startswith("FROM nginx:")
    assert "COPY deploy/nginx.conf /etc/nginx/nginx.conf" in proxy
    assert "COPY --from=app /app/staticfiles /srv/static" in proxy
    assert "STATIC_ROOT=/app/staticfiles" in DOCKERFILE


def test_files_the_image_needs_are_not_ignored():
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for needed in ["deploy", "requirements", "manage.py", "static", "templates", "contest_site"]:
        assert needed not in ignored
    assert ".env" in ignored


# --- .env.example documents every variable ---------------------------------------------------

READ_PATTERNS = [
    r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]*)"',
    r'os\.environ\[\s*"([A-Z][A-Z0-9_]*)"\s*\]',
    r'os\.environ\.setdefault\(\s*"([A-Z][A-Z0-9_]*)"',
    r'os\.getenv\(\s*"([A-Z][A-Z0-9_]*)"',
    r'\benv_(?:bool|list|int|str)\(\s*"([A-Z][A-Z0-9_]*)"',
    r'\b_required\(\s*"([A-Z][A-Z0-9_]*)"',
    r'\b_int\(\s*"([A-Z][A-Z0-9_]*)"',
    r'\b_bool\(\s*"([A-Z][A-Z0-9_]*)"',
]
# Set by the image or the runtime, not by the operator.
NOT_CONFIGURATION = {"DJANGO_SETTINGS_MODULE", "HOSTNAME", "PYTEST_XDIST_WORKER"}


def _variables_read() -> set[str]:
    files = [*(ROOT / "contest_site" / "settings").glob("*.py"), *(ROOT / "deploy").glob("*.py")]
    names = set()
    for path in files:
        text = path.read_text()
        for pattern in READ_PATTERNS:
            names.update(re.findall(pattern, text))
    return names - NOT_CONFIGURATION


def _variables_documented() -> dict[str, str]:
    documented = {}
    for line in ENV_EXAMPLE.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        assert re.match(r"^[A-Z][A-Z0-9_]*=", line), f"not KEY=VALUE: {line!r}"
        key, _, value = line.partition("=")
        assert key not in documented, f"{key} twice"
        documented[key] = value
    return documented


def test_every_variable_read_is_documented():
    read = _variables_read()

    assert {"SECRET_KEY", "DATABASE_URL", "GUNICORN_WORKERS", "TRUSTED_PROXY_COUNT"} <= read
    assert sorted(read - set(_variables_documented())) == []


def test_the_documented_example_passes_check_deploy(tmp_path):
    env = {key: value for key, value in _variables_documented().items() if value != ""}
    env.update(
        PATH="/usr/bin:/bin",
        DJANGO_SETTINGS_MODULE="contest_site.settings.production",
        SECRET_KEY="Zq8vK2mW9xR4tY7uP3sL6nB1cJ5hG0fD-aE_iO2wQ8eR4tY6uI1oP3",
        # The example's admin path is refused on purpose (production.py): each site sets its own.
        ADMIN_URL_PATH="quan-tri-9d2b/",
        VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


# --- CI --------------------------------------------------------------------------------------


def test_ci_runs_the_production_smoke_test_after_the_tests():
    ci = (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()

    assert ci.index("make test") < ci.index("make deploy-smoke")
    assert re.search(
        r"^deploy-smoke:.*\n\tPY=\$\(PY\) bash scripts/deploy_smoke.sh$", makefile, re.M
    )
    smoke = (ROOT / "scripts" / "deploy_smoke.sh").read_text()
    assert "set -euo pipefail" in smoke
    assert "check --deploy --fail-level WARNING" in smoke
    assert "-m gunicorn -c deploy/gunicorn.conf.py contest_site.wsgi:application" in smoke
