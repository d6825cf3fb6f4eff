# The one entry point. `make demo` and `make test` work on a fresh clone: they create the
# virtualenv, install the pinned dependencies and build the static assets when missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
ASSETS_STAMP := dashboards/static/dashboards/vendor/.built
HOST ?= 127.0.0.1
PORT ?= 8000
REFDATA_VENV ?= /tmp/refdata-venv
MUTANT_CHILDREN ?= 2
DEMO_ENV = DEBUG=1 DEMO_MODE=1 SITE_URL=$(or $(SITE_URL),http://$(HOST):$(PORT))

.PHONY: help messages makemessages demo test lint format migrations-check check-deploy lock assets refdata refdata-check clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS_STAMP): node_modules/.package-lock.json scripts/build_assets.mjs
	node scripts/build_assets.mjs
	@touch $@

assets: $(ASSETS_STAMP) ## Build the self-hosted plotly.js geo bundle and UN topojson

# The message catalogues (issue 14): locale/<lang>/LC_MESSAGES/django.po is the source, kept in
# git; the compiled .mo is built here (gitignored), only when its .po changed. msgfmt is
# gettext's (apt install gettext), as Django's compilemessages uses it.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

messages: $(MO_FILES) ## Compile the message catalogues (.po -> .mo)

makemessages: $(STAMP) ## Extract new and changed strings into every catalogue (docs/translations.md)
	$(PY) manage.py makemessages --all --no-obsolete --ignore='.venv/*' --ignore='node_modules/*' --ignore='staticfiles/*'

demo: $(STAMP) $(ASSETS_STAMP) messages ## Serve the product with demo data at http://$(HOST):$(PORT), and the background worker
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_reference_data
	$(DEMO_ENV) $(PY) manage.py seed_demo
	$(DEMO_ENV) $(PY) manage.py seed_demo_drafting
	@echo
	@echo "Global Pledge Tracker (DEMO DATA) at http://$(HOST):$(PORT)/ — staff sign in at http://$(HOST):$(PORT)/accounts/login/"
	$(DEMO_ENV) scripts/with_worker.sh $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP) $(ASSETS_STAMP) messages ## Run the whole test suite (non-zero exit on any failure)
	@$(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here." >&2; exit 1; fi; \
	exit $$status

lint: $(STAMP) ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP) ## Fail if a model change has no migration
	$(PY) manage.py makemigrations --check --dry-run

check-deploy: $(STAMP) ## Production settings pass Django's deployment checklist
	DEBUG=0 SECRET_KEY=check-deploy-$$RANDOM-not-a-real-key-0123456789abcdefghijklmnop \
	  ALLOWED_HOSTS=pledge.example.org SITE_URL=https://pledge.example.org REDIS_URL=redis://127.0.0.1:6379/0 \
	  $(PY) manage.py check --deploy --fail-level WARNING

lock: ## Re-resolve pyproject.toml into requirements.lock (needs the registry)
	rm -rf /tmp/gpt-lock-venv && $(PYTHON) -m venv /tmp/gpt-lock-venv
	/tmp/gpt-lock-venv/bin/pip install --quiet "$$(printf '.[dev]')"
	/tmp/gpt-lock-venv/bin/pip freeze --exclude global-pledge-tracker | grep -v '^-e' > requirements.lock

refdata: ## Regenerate fixtures/countries.json from hdx-python-country (throwaway venv, offline)
	$(PYTHON) -m venv $(REFDATA_VENV)
	$(REFDATA_VENV)/bin/pip install -q -r scripts/requirements-refdata.txt
	$(REFDATA_VENV)/bin/python scripts/build_countries_fixture.py

refdata-check: ## Fail if fixtures/countries.json is not what the generator produces
	$(PYTHON) -m venv $(REFDATA_VENV)
	$(REFDATA_VENV)/bin/pip install -q -r scripts/requirements-refdata.txt
	$(REFDATA_VENV)/bin/python scripts/build_countries_fixture.py --check

clean: ## Remove the virtualenv, node_modules, built assets and the demo database
	rm -rf $(VENV) node_modules dashboards/static/dashboards/vendor staticfiles db.sqlite3 db.sqlite3-* var

# --- Production-like serving and benchmarks (issue 4) -----------------------------------------
BENCH_PORT ?= 8000
NGINX_PORT ?= 8010

.PHONY: serve bench bench-import bench-import-compare bench-drafting

serve: $(STAMP) $(ASSETS_STAMP) messages ## Serve with production settings (DEBUG=0, granian) and the background worker at http://$(HOST):$(PORT)
	HOST=$(HOST) PORT=$(PORT) scripts/serve.sh

bench: $(STAMP) $(ASSETS_STAMP) messages ## Load-test the public pages (wrk) against nginx; first-visit bytes of /map/; the 4,095-row import
	BENCH_PORT=$(BENCH_PORT) NGINX_PORT=$(NGINX_PORT) scripts/bench.sh
	$(MAKE) --no-print-directory bench-import

bench-import: $(STAMP) ## Time preview and apply of a 195 x 21 capability import (throwaway SQLite unless BENCH_DATABASE_URL)
	rm -f var/bench-import.sqlite3 && mkdir -p var
	DATABASE_URL=$${BENCH_DATABASE_URL:-sqlite:///$(CURDIR)/var/bench-import.sqlite3} $(VENV)/bin/python scripts/bench_import.py

bench-import-compare: $(STAMP) ## bench-import on this checkout and on BEFORE_REF (main) in a temporary worktree, same run
	scripts/bench_import_compare.sh

bench-drafting: $(STAMP) ## 200 children in 5 sessions read and submit for 60 s (throwaway SQLite unless BENCH_DATABASE_URL)
	rm -f var/bench-drafting.sqlite3* && mkdir -p var
	BENCH_PORT=$(BENCH_PORT) $(VENV)/bin/python scripts/bench_drafting.py

# --- Mutation testing (issue 15): on demand, not in CI ----------------------------------------
.PHONY: mutants

mutants: $(STAMP) $(MO_FILES) ## Mutation-test the rule modules with mutmut ([tool.mutmut]; MUTANTS=glob to narrow, MUTANT_CHILDREN=2)
	mkdir -p var && rm -f var/mutants-test.sqlite3.* && SQLITE_TEST_PATH=$(CURDIR)/var/mutants-test.sqlite3 $(BIN)/mutmut run --max-children $(MUTANT_CHILDREN) $(MUTANTS); status=$$?; $(BIN)/mutmut results; exit $$status
