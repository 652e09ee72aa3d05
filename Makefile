# Quick start: `make run` (serve the demo on http://127.0.0.1:5000) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
# A PostgreSQL database for the second test run; .ci/run creates it. Override to use another.
TEST_POSTGRES_URL ?= postgresql://labour:labour@127.0.0.1:5432/labour_test

.PHONY: setup run test lint test-sqlite test-postgres bench clean translations-update

setup: $(VENV)/.deps static/vendor/.stamp translations/.stamp

$(VENV)/.deps: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Front-end libraries come from the npm registry and are served locally (stations may be offline).
static/vendor/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/@picocss/pico/css/pico.min.css static/vendor/pico.min.css
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chart.umd.min.js
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css static/vendor/
	touch $@

translations/.stamp: $(wildcard translations/*/LC_MESSAGES/messages.po) | $(VENV)/.deps
	$(BIN)/pybabel compile -d translations >/dev/null
	touch $@

# The scheduler runs beside the dev server (in production: a process, a systemd unit, of its own).
run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask scheduler & scheduler=$$!; trap 'kill $$scheduler' EXIT INT TERM; \
		$(BIN)/flask run --host 127.0.0.1 --port 5000

test: setup lint
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

lint:
	$(BIN)/ruff check .

test-sqlite:
	$(BIN)/python -m pytest -q tests

# The same suite (browser journeys aside) on PostgreSQL, when a server answers at TEST_POSTGRES_URL.
test-postgres:
	@if $(BIN)/python -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$(TEST_POSTGRES_URL)" 2>/dev/null; then \
		TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/python -m pytest -q -m "not e2e" tests; \
	else \
		echo; echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!! SKIPPED: the PostgreSQL run. No server answers at $(TEST_POSTGRES_URL)."; \
		echo "!!! .ci/run installs and starts one; or set TEST_POSTGRES_URL."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; echo; \
		test -z "$$REQUIRE_POSTGRES"; \
	fi

$(VENV)/.bench-deps: requirements-bench.txt $(VENV)/.deps
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@

# Figures, not tests. The load test empties the PostgreSQL database at TEST_POSTGRES_URL first.
bench: setup $(VENV)/.bench-deps
	$(BIN)/python bench/resolve_eval.py
	$(BIN)/python bench/import_workers.py
	$(BIN)/python bench/upload_limits.py
	$(BIN)/python bench/sign_in_timing.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/matching_app.py
	TEST_POSTGRES_URL="$(TEST_POSTGRES_URL)" $(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) node_modules static/vendor translations/.stamp

# After changing UI text: refresh messages.pot and the Chinese catalogue, then translate the new entries.
translations-update: $(VENV)/.deps
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o messages.pot --ignore-dirs=".venv node_modules tests bench" .
	$(BIN)/pybabel update -i messages.pot -d translations -l zh
