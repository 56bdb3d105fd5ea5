# Greenlight. `make run` starts the app, `make test` checks everything.
# Both create .venv on first use; later runs reinstall only when pyproject.toml changes.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Local mode is for one person on this machine: the server listens on loopback only. To open
# it to others (studio mode, with sign-in: see the README), e.g. make run HOST=0.0.0.0
HOST ?= 127.0.0.1
# Extra pytest arguments, e.g. make test PYTEST_ARGS='-k store -x'
PYTEST_ARGS ?=
# make test spreads the suite over two processes (pytest-xdist), one per core: about 10 minutes
# where one process takes 14. TEST_WORKERS=0 runs it in this one process.
TEST_WORKERS ?= 2

# Our own modules compiled to bytecode, as pip does for installed packages: where
# PYTHONDONTWRITEBYTECODE is set (here, and in many container images) Python would otherwise
# compile every module the app imports at each start (0.08 s of a cold start here).
COMPILE = $(BIN)/python -m compileall -q greenlight app_pages app.py

# Stamps: touched after a successful install, older than pyproject.toml means stale.
APP_STAMP := $(VENV)/.installed-app
TEST_STAMP := $(VENV)/.installed-test

.PHONY: help run test e2e lint format bench soak clean

help:
	@echo "make run     start the app on http://$(HOST):$(PORT) (HOST=0.0.0.0 opens it to others)"
	@echo "make test    lint, format check and the whole test suite (PostgreSQL too, when installed)"
	@echo "make e2e     only the browser tests"
	@echo "make lint    ruff check and format check;  make format  fix what ruff can"
	@echo "make bench   benchmarks (bench/);  make soak  long-running tests (marked slow)"
	@echo "make clean   remove .venv and caches (keeps data/greenlight.db)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(APP_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable .
	$(COMPILE)
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	$(COMPILE)
	touch $@ $(APP_STAMP)

# check-deploy first: a studio server with incomplete [auth] or unusable [notifications]
# settings does not start at all (it exits 2 saying what to fix).
run: $(APP_STAMP)
	$(COMPILE)
	$(BIN)/python -m greenlight check-deploy --host $(HOST)
	$(BIN)/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# scripts/pg-test-server runs pytest against a throw-away PostgreSQL server when
# GREENLIGHT_TEST_POSTGRES_URL is unset and PostgreSQL is installed (see README).
# Each test file runs whole, in order, in one process (--dist loadfile): a module's server
# starts once, and its tests may build on each other. The heavy files and the browser tests go
# first (tests/conftest.py), in that order (--no-loadscope-reorder), so the processes end together.
test: lint
	scripts/pg-test-server run $(BIN)/pytest -m 'not slow' \
		-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

e2e: $(TEST_STAMP)
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

# Figures of issue 5 against their targets (bench/RESULTS.md); synthetic logs are cached in
# bench/.cache. PostgreSQL figures too, when it is installed. Never part of `make test`.
bench: $(TEST_STAMP)
	$(COMPILE)
	scripts/pg-test-server run $(BIN)/python -m bench

# pytest exits 5 when no test is marked slow: that is not a failure of the soak.
soak: $(TEST_STAMP)
	scripts/pg-test-server run $(BIN)/pytest -m slow --timeout=3600 $(PYTEST_ARGS) \
		|| { rc=$$?; if [[ $$rc -eq 5 ]]; then echo "make soak: no test is marked slow yet"; else exit $$rc; fi; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis artifacts *.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
