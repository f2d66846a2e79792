# `make run` and `make test` do all set-up on a fresh Debian/Ubuntu machine: Debian packages (as root),
# a virtual environment in .venv with the project and its dev tools, then the service or the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
AXE := node_modules/axe-core/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system lint format typecheck bench load docs screenshots clean

run: setup
	$(VENV)/bin/gunicorn --config gunicorn.conf.py --workers $$(nproc) --bind $(HOST):$(PORT) --timeout 180 "service.app:create_app()"

test: setup
	$(PY) -m pytest -n 2 --dist loadgroup

setup: system $(STAMP) $(AXE)

system:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $(STAMP)

# axe-core, which the browser tests inject into each page (package.json; used by tests only, never served)
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund && touch $(AXE); \
	else echo "npm not found: the accessibility tests (tests/e2e) will be skipped; apt-get install npm"; fi

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

screenshots: setup
	ITBFORMS_SCREENSHOTS=1 $(PY) -m pytest tests/e2e -q

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .mypy_cache build *.egg-info
