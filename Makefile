# Maison de l'ESS — the two commands: `make run` and `make test`.
# Needs only Python 3.11+ and make: everything else is installed into .venv.

PYTHON ?= python3
PORT ?= 8000
# The settings' SITE_URL defaults to http://127.0.0.1:$(PORT) (home/sites.py).
export PORT
# pytest-xdist workers for `make test` (each builds its own seeded test database;
# the browser tests' seeded site is built once and copied).
TEST_WORKERS ?= auto
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export UV_PROJECT_ENVIRONMENT := $(VENV)
# V=1: the setup's full output (every migration, every command); by default
# migrations are summed up in one line.
V ?= 0
ifeq ($(V),1)
Q :=
MIGRATE := migrate --noinput -v 1
else
Q := @
MIGRATE := migrate_summary
endif

# Optional local settings: a .env file (see .env.example) is read by make.
ifneq (,$(wildcard .env))
include .env
export $(shell sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' .env)
endif

.DEFAULT_GOAL := help
.PHONY: help run serve setup install messages db admin-password test lint translations system-deps bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

run: setup ## Set up (venv, database, seed content, admin account) and serve on http://127.0.0.1:8000 (PORT=…, V=1: full output)
	@bin/serve $(PORT)

serve: ## Serve without setting up again (PORT=… to change the port)
	@bin/serve $(PORT)

setup: install messages db ## Install dependencies, compile translations, migrate and load the seed content

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

install: $(VENV)/.synced ## Install the locked dependencies into .venv

messages: install ## Compile the French and English catalogues
	@$(MANAGE) compile_translations

db: install ## Migrate, create roles and workflow, load seed content, create the local admin
	@mkdir -p var
	$(Q)$(MANAGE) $(MIGRATE)
	$(Q)$(MANAGE) setup_roles
	$(Q)$(MANAGE) load_seed_content
	$(Q)$(MANAGE) configure_site
	@$(MANAGE) ensure_admin

admin-password: install ## Give the local admin account a new password and print it once
	@$(MANAGE) ensure_admin --reset-password

lint: install ## ruff (lint and format check)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install messages lint ## Set up, then ruff, Django checks, makemigrations --check and the whole pytest suite
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

translations: install ## Update the .po catalogues after changing UI strings (needs GNU gettext)
	$(MANAGE) makemessages -l fr -l en --no-location --no-obsolete \
	  --ignore=.venv --ignore=.tools --ignore=var --ignore=bench --ignore=tests
	$(MANAGE) compile_translations

system-deps: ## Install Chromium and gettext from Debian (browser tests, translation check)
	bash bin/install-system-deps

bench: install messages ## Benchmarks (see bench/README.md)
	$(PY) -m bench.run $(BENCH_ARGS)

clean: ## Remove the virtual environment and local data (var/)
	rm -rf $(VENV) $(TOOLS) var
