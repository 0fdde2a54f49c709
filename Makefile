# PassInnov: everyday commands. `make run` starts the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev oidc-provider migrate demo check lint messages messages-check migrations-check ci clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt constraints.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt constraints.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## The test OpenID provider's node modules (tests/oidc; needs Node 20 and npm)
tests/oidc/node_modules/.package-lock.json: tests/oidc/package.json tests/oidc/package-lock.json
	npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error
oidc-provider: tests/oidc/node_modules/.package-lock.json

var:
	mkdir -p var

migrate: install var
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo

## The site, with demo content, on http://127.0.0.1:8000
run: demo
	$(MANAGE) runserver --noreload $(HOST):$(PORT)

## The whole test suite (honours DATABASE_URL); without npm, the tests that need the test OpenID provider skip
test: install-dev var
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory oidc-provider; else echo "npm not found: the sign-in tests against the test OpenID provider will be skipped"; fi
	$(PY) -m pytest $(PYTEST_ARGS)

check: install-dev
	$(MANAGE) check --database default
	DJANGO_SETTINGS_MODULE=cms.settings.production SECRET_KEY=check-only-$$(date +%s)-a-long-random-looking-value-for-the-check ALLOWED_HOSTS=passinnov.example.gouv.fr PASSINNOV_BASE_URL=https://passinnov.example.gouv.fr $(MANAGE) check --deploy --fail-level WARNING

migrations-check: install-dev
	$(MANAGE) makemigrations --check --dry-run

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## Regenerate the French catalogues (needs GNU gettext), then compile them
messages: install-dev
	$(PY) scripts/i18n.py update

## Fail when a visible string has no French translation or a catalogue is stale
messages-check: install-dev
	$(PY) scripts/i18n.py check

ci: check migrations-check lint messages-check test

clean:
	rm -rf $(VENV) var/passinnov.sqlite3
