# Tideline — the two commands: `make demo` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
SCALE ?= 1
SEED ?= 7
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?= -n 2
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils

.PHONY: demo test setup venv system-packages db lint bench serve stop-db clean

demo: setup ## install, load the demo, run every loop, serve the site
	$(PY) manage.py seed_demo --seed $(SEED) --scale $(SCALE)
	$(PY) manage.py setup_periodic_tasks
	@echo "Serving Tideline on http://$(HOST):$(PORT)/ (admin: /admin/, API docs: /api/docs/)"
	$(BIN)/gunicorn config.wsgi -b $(HOST):$(PORT) -w 3 --timeout 120 --access-logfile -

test: setup lint ## ruff, migrations check, the whole pytest suite
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

setup: venv system-packages db

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

system-packages: ## WeasyPrint's Pango/HarfBuzz and the CJK font; pdftotext for the report tests
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "system packages present"; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "installing $$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "WARNING: install these Debian packages for PDFs: $$missing"; fi

db: venv ## create (or start the embedded) database and migrate it
	$(PY) -m config.ensure_database
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py collectstatic --no-input -v 0

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: setup ## every benchmark; results in bench/results/
	$(PY) -m bench all

serve: setup
	$(BIN)/gunicorn config.wsgi -b $(HOST):$(PORT) -w 3 --timeout 120 --access-logfile -

stop-db: ## stop the embedded Postgres under var/
	-$(PY) -c "import pgserver; pgserver.get_server('var/pgdata', cleanup_mode='stop')._cleanup()"

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache
