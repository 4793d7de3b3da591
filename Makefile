# Engagierte Stadt – the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
MANAGE := $(PYTHON) manage.py

# `make run` serves the production settings on plain HTTP at 127.0.0.1, so it relaxes
# exactly the HTTPS-only settings; everything else is as in production.
LOCAL_ENV = DJANGO_SECRET_KEY="$$(cat .secret_key)" \
	DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost" \
	DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false DJANGO_HSTS_SECONDS=0 \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend \
	DJANGO_SITE_URL=http://127.0.0.1:$(PORT)

# The production settings as `check --deploy` should see them.
DEPLOY_ENV = DJANGO_SECRET_KEY="check-deploy-$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
	DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=engagiert.example.org

include scripts/vendor-kern.mk

.PHONY: help run dev test lint format check-migrations check-deploy pytest messages \
	install install-dev demo clean backup restore bench

help:
	@echo "make run     – install, migrate, load the Hattingen demo, serve http://127.0.0.1:$(PORT)"
	@echo "make test    – lint, migrations check, deploy check, the whole test suite"
	@echo "make dev     – Django's development server with DEBUG on"
	@echo "make backup  – database + media into one archive in $(BACKUP_DIR) (ENV_FILE=/etc/portal/env)"
	@echo "make restore ARCHIVE=… – restore an archive into an empty database and media folder"
	@echo "make bench   – every public page against a bare Django view (wrk, PostgreSQL); BENCH_ARGS=\"--scale 10\""
	@echo "make vendor-kern – re-fetch the pinned KERN design system into static/vendor/kern"

$(VENV)/.runtime: requirements.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

.secret_key:
	@umask 077; $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@echo "Generated a local secret key in .secret_key (kept out of git)."

messages: $(VENV)/.runtime
	@if command -v msgfmt >/dev/null; then DJANGO_DEBUG=true $(MANAGE) compilemessages --ignore=.venv -v0; \
	else echo "msgfmt (GNU gettext) not found: using the committed .mo files"; fi

run: $(VENV)/.runtime .secret_key messages
	$(LOCAL_ENV) $(MANAGE) migrate --noinput
	$(LOCAL_ENV) $(MANAGE) collectstatic --noinput -v0
	$(LOCAL_ENV) $(MANAGE) load_demo
	$(LOCAL_ENV) $(MANAGE) run_jobs --all
	@echo "Serving the portal at http://127.0.0.1:$(PORT) (stop with Ctrl+C)"
	$(LOCAL_ENV) GUNICORN_BIND=127.0.0.1:$(PORT) $(VENV)/bin/gunicorn -c gunicorn.conf.py engagierte_stadt.wsgi

DEV_ENV = DJANGO_DEBUG=true DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend \
	DJANGO_SITE_URL=http://127.0.0.1:$(PORT)

dev: $(VENV)/.dev messages
	$(DEV_ENV) $(MANAGE) migrate --noinput
	$(DEV_ENV) $(MANAGE) load_demo
	$(DEV_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-migrations: $(VENV)/.dev
	DJANGO_DEBUG=true $(MANAGE) makemigrations --check --dry-run

check-deploy: $(VENV)/.dev
	$(DEPLOY_ENV) $(MANAGE) check --deploy --fail-level WARNING

# The suite runs in one process per core (pytest-xdist; each worker has its own test database
# and live server; a test file stays on one worker). PYTEST_WORKERS=0 runs it in this process.
PYTEST_WORKERS ?= auto
pytest: $(VENV)/.dev messages
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test: lint check-migrations check-deploy pytest

# Backup and restore (docs/backup.md) of the database in DATABASE_URL and DJANGO_MEDIA_ROOT.
# ENV_FILE names the environment file to read first (production: /etc/portal/env).
BACKUP_DIR ?= backups/
ENV_FILE ?=
WITH_ENV = $(if $(ENV_FILE),set -a && . $(ENV_FILE) && set +a &&)

backup: $(VENV)/.runtime
	$(WITH_ENV) $(MANAGE) backup $(BACKUP_DIR)

restore: $(VENV)/.runtime
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=backups/portal-backup-….tar [FORCE=1]"; exit 2; }
	$(WITH_ENV) $(MANAGE) restore "$(ARCHIVE)" $(if $(FORCE),--force)

# Figures, not pass/fail: see bench/pages.py (needs PostgreSQL on 127.0.0.1 and wrk).
bench: $(VENV)/.runtime messages
	$(PYTHON) bench/pages.py $(BENCH_ARGS)

clean:
	rm -rf staticfiles .pytest_cache
