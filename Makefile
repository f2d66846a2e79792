# `make run` and `make test` do all set-up on a fresh Debian/Ubuntu machine: Debian packages (as root),
# a virtual environment in .venv with the project and its dev tools, then the service or the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system lint format typecheck bench load docs spec-docs screenshots clean

run: setup
	$(VENV)/bin/gunicorn --workers $$(nproc) --bind $(HOST):$(PORT) --timeout 180 "service.app:create_app()"

test: setup
	$(PY) -m pytest -n 2 --dist loadgroup

setup: system $(STAMP)

system:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $(STAMP)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

typecheck: setup
	$(VENV)/bin/mypy

bench: setup
	$(PY) -m bench

load: setup  # 50 clients × 60 s against its own gunicorn on 127.0.0.1 → bench/README.md
	$(PY) -m bench.load --start

docs: setup
	$(PY) -m docs.previews

spec-docs: setup  # the parts of docs/spec/ written from forms/ (a test fails when they drift)
	$(PY) -m docs.spec

screenshots: setup
	ITBFORMS_SCREENSHOTS=1 $(PY) -m pytest tests/e2e -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache build *.egg-info
