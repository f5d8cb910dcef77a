# warroom — `make run` starts it with demo data, `make test` runs every test, `make bench` measures.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
WARROOM_TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
export WARROOM_TEST_DATABASE_URL

.PHONY: install run test test-sqlite test-postgres lint browser bench clean

$(BIN)/warroom: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.dev-installed: $(BIN)/warroom
	$(BIN)/python -m pip install -q -e ".[dev]"
	@touch $@

install: $(BIN)/warroom

run: install
	$(BIN)/warroom migrate
	$(BIN)/warroom demo
	$(BIN)/warroom serve

# The browser tests drive the system Chromium (Debian's package); Playwright's own download
# is never used.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "Chromium is missing: browser tests will be skipped (apt-get install chromium)"; }

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: $(VENV)/.dev-installed browser
	$(BIN)/pytest

test-postgres: $(VENV)/.dev-installed
	@$(BIN)/python -m warroom.testing.pgcheck "$(WARROOM_TEST_DATABASE_URL)"; rc=$$?; \
	if [ $$rc -eq 0 ]; then DATABASE_URL="$(WARROOM_TEST_DATABASE_URL)" $(BIN)/pytest; \
	elif [ $$rc -ne 3 ]; then exit $$rc; fi

test: lint test-sqlite test-postgres

bench: $(VENV)/.dev-installed
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	@command -v nginx >/dev/null || (apt-get update -qq && apt-get install -y -qq nginx >/dev/null)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info
