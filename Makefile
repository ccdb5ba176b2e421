# Linke — `make run` (everything, in the foreground) and `make test` (the whole suite).
# Needs only Python 3.11+. Without DATABASE_URL an embedded PostgreSQL runs under var/pgdata;
# without REDIS_URL the broker is kombu's filesystem transport and the cache is the database.

PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
PORT ?= 8000
export PORT

.PHONY: run test install messages translations db stop-db prepare lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Translation catalogues are compiled with Babel (pure Python): no system gettext needed.
messages: install
	@$(BIN)/pybabel compile --domain django --directory locale --statistics 2>&1 | grep -v '^$$' || true
	@test -f locale/en/LC_MESSAGES/django.mo && test -f locale/zh_Hans/LC_MESSAGES/django.mo

# After changing user-visible strings: refresh the catalogues (needs GNU gettext's xgettext), then translate
# the new zh_Hans entries; a test fails while one is untranslated or fuzzy.
translations: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=var --ignore=static --ignore=tests

db: install
ifndef DATABASE_URL
	@mkdir -p var
	@$(BIN)/python -m linke.embedded start >/dev/null
endif

stop-db:
	@$(BIN)/python -m linke.embedded stop

prepare: messages db
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py refresh_directory

run: prepare
	@echo ""
	@echo "  林客 Linke is starting (Ctrl-C stops web, worker and beat):"
	@echo "    portal    http://127.0.0.1:$(PORT)/portal/"
	@echo "    merchants http://127.0.0.1:$(PORT)/merchant/"
	@echo "    login     http://127.0.0.1:$(PORT)/accounts/login/"
	@echo "    admin     http://127.0.0.1:$(PORT)/admin/"
	@echo "    API docs  http://127.0.0.1:$(PORT)/api/docs/   schema /api/schema/"
	@echo "    health    http://127.0.0.1:$(PORT)/healthz"
	@echo "  Demo logins (password linke-demo-2026): operator@linke.test (admin), owner@alpha.test,"
	@echo "    admin@alpha.test, bd@alpha.test, ops@alpha.test, viewer@alpha.test, owner@beta.test, merchant@demo.test,"
	@echo "    applicant@demo.test (application awaiting review), rejected@demo.test"
	@echo ""
# honcho gives each process its own PORT (web 8000, worker 8100, ...): the links in the worker's emails
# must name the web's.
	DJANGO_SITE_URL=$${DJANGO_SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/honcho --procfile Procfile.dev start

# The layer contracts first (seconds), then the whole suite.
test: messages db
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=linke.settings.test DJANGO_READ_DOT_ENV=0 $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: messages db
	$(BIN)/python bench/run.py
	$(BIN)/python bench/gmv_import.py

clean: stop-db
	rm -rf var $(VENV)
