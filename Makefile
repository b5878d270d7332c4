# Metco: `make run` serves the demo store on SQLite; `make test` runs every test (SQLite, then PostgreSQL
# where it answers). Both start from a fresh machine: they create .venv and install what they need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint install dev clean browser

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml requirements/base.txt
	$(BIN)/python -m pip install -q -r requirements/base.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements/dev.txt
	$(BIN)/python -m pip install -q -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed

run: install
	$(BIN)/metco migrate
	$(BIN)/metco demo
	$(BIN)/metco serve --host $(HOST) --port $(PORT)

# The browser tests drive Debian's Chromium (Playwright's own download does not work here) and check each page
# with axe-core, fetched from the npm registry without a lock file.
AXE_VERSION := 4.10.3
$(VENV)/axe-core/axe.min.js:
	mkdir -p $(VENV)/axe-core
	cd $(VENV)/axe-core && npm pack axe-core@$(AXE_VERSION) --silent >/dev/null && \
		tar -xzf axe-core-$(AXE_VERSION).tgz --strip-components=1 package/axe.min.js && rm -f axe-core-$(AXE_VERSION).tgz

browser: $(VENV)/axe-core/axe.min.js
	@command -v chromium >/dev/null || apt-get install -y -q chromium >/dev/null || \
		echo "Chromium could not be installed: the browser tests will be skipped"

test: dev browser
	$(BIN)/python -m pytest

bench: dev
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: dev
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
