# `make run` and `make test` do all set-up on a fresh Debian/Ubuntu machine: Debian packages (as root),
# a virtual environment in .venv with the exact versions of requirements.lock (the project and its dev
# tools), then the service or the suite. `make lock` refreshes the lock from pyproject.toml.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
AXE := node_modules/axe-core/axe.min.js
LOCK := requirements.lock
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system versions lock lint format typecheck bench load docs spec-docs screenshots clean

run: setup
	$(PY) -m service.serving --host $(HOST) --port $(PORT)

test: setup versions
	$(PY) -m pytest -n 2 --dist loadgroup

setup: system $(STAMP) $(AXE)

system:
	@bash scripts/system-deps.sh

versions:  # what the suite runs with, printed before it (the Debian packages are not in the lock)
	@echo "Python:         $$($(PY) --version 2>&1)"
	@echo "LibreOffice:    $$(soffice --version 2>/dev/null | head -n 1 || true)"
	@echo "fonts-noto-cjk: $$(dpkg-query -W -f='$${Version}' fonts-noto-cjk 2>/dev/null || true)"
	@echo "Chromium:       $$(/usr/bin/chromium --version 2>/dev/null || true)"

# Exact versions from the lock (pip, setuptools included), then the project itself without resolving again.
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r $(LOCK)
	$(VENV)/bin/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

# axe-core, which the browser tests inject into each page (package.json; used by tests only, never served)
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund && touch $(AXE); \
	else echo "npm not found: the accessibility tests (tests/e2e) will be skipped; apt-get install npm"; fi

lock:  # re-resolve requirements.lock: the newest versions pyproject.toml allows, for Python 3.11 on Linux
	test -x $(VENV)/bin/pip-compile || ($(PYTHON) -m venv $(VENV) && $(VENV)/bin/pip install -q pip-tools)
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile -q --upgrade --extra dev --allow-unsafe \
		--strip-extras --no-emit-index-url --no-emit-find-links -o $(LOCK) pyproject.toml

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

load: setup  # 50 clients × 60 s against its own server on 127.0.0.1, then slow clients → bench/README.md
	$(PY) -m bench.load --start && $(PY) -m bench.slow

docs: setup
	$(PY) -m docs.previews

spec-docs: setup  # the parts of docs/spec/ written from forms/ (a test fails when they drift)
	$(PY) -m docs.spec

screenshots: setup
	ITBFORMS_SCREENSHOTS=1 $(PY) -m pytest tests/e2e -q

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .mypy_cache build *.egg-info
