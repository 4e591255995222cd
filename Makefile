# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make test` names its database and Redis keys per checkout and per pytest-xdist worker
# (contest_site/settings/test.py); TEST_DATABASE_URL / TEST_REDIS_URL override them.

.PHONY: run test lint format migrations-check install lock clean deploy-smoke faults bench bench-quick

# Exactly the locked versions, checked against their hashes (requirements/dev.txt, from `make lock`).
$(VENV)/.installed: requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

# Refresh the lock files after a change to pyproject.toml's dependencies (needs the registry).
# base.txt is what the Docker image installs; dev.txt adds the tools for tests, lint and the bench.
LOCK_FLAGS := --python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes --no-header --quiet
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_FLAGS) $(LOCK_ARGS) -o requirements/base.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) $(LOCK_ARGS) -o requirements/dev.txt

# The app on SQLite with a filesystem Celery transport: web server, worker and beat.
run: install
	@unset DATABASE_URL REDIS_URL; bash scripts/run-dev.sh "$(HOST)" "$(PORT)"

# The whole suite on PostgreSQL and Redis (browser tests included when Chromium is present).
# In parallel: make test PYTEST_ARGS="-n auto".
test: install
	@$(PY) scripts/check_services.py
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

# Production settings pass check --deploy; gunicorn with them serves /healthz (CI runs this).
deploy-smoke: install
	PY=$(PY) bash scripts/deploy_smoke.sh

# Fault run (not in CI): a private PostgreSQL, Redis, gunicorn and Celery on 127.0.0.1 under
# load, with workers killed and servers restarted; writes bench/faults/results/last.md.
faults: install
	$(PY) bench/faults/run.py $(FAULTS_ARGS)

# The load test (bench/README in README.md, "Hiệu năng / Performance"): the production-shaped stack
# on 127.0.0.1:18000, its own database and Redis db 7; report in bench/results/. Not run in CI.
# BENCH_ARGS passes options, e.g. make bench BENCH_ARGS="--only ae --rank-attempts 2000000".
bench: install
	@$(PY) scripts/check_services.py
	$(PY) bench/run.py $(BENCH_ARGS)

# The same in under two minutes, with small sizes.
bench-quick: install
	@$(PY) scripts/check_services.py
	$(PY) bench/run.py --quick $(BENCH_ARGS)
