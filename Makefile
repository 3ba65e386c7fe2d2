# Hongfan — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
# uv from PATH, else the uv that `make install` puts in Python's site-packages (python3 -m uv).
UV = $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := hongfan.settings

.PHONY: uv demo test install migrate seed serve worker lint typecheck test-browser test-postgres bench clean

uv:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
		python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv

install: uv
	$(UV) sync --frozen
	@mkdir -p var

migrate: install
	$(UV) run python manage.py migrate --noinput

seed: migrate
	$(UV) run python manage.py builddemo

demo: seed
	@echo ""
	@echo "红帆 Hongfan demo: open http://$(HOST):$(PORT)/"
	@echo "Demo accounts (password Hongfan@2026):"
	@echo "  city      city admin (济宁市卫生健康委员会)"
	@echo "  hosp      admin of 济宁市第三人民医院"
	@echo "  sec       secretary of a branch there"
	@echo "  member    a member of that branch"
	@echo "  hosp2     admin of 济宁市第二人民医院"
	@echo "  audit     auditor        security  security admin        sysadmin  system admin"
	@echo ""
	$(UV) run python manage.py runserver $(HOST):$(PORT) --noreload

# The background worker (huey): notification e-mail/SMS and the periodic tasks of every
# app's tasks.py (reminders). Run it beside the web server.
worker: install
	$(UV) run python manage.py run_huey

test: install
	HONGFAN_ENV=test $(UV) run python manage.py makemigrations --check --dry-run >/dev/null
	HONGFAN_ENV=test $(UV) run pytest -m "not browser" --create-db

test-browser: install
	HONGFAN_ENV=test $(UV) run pytest -m browser --create-db

test-postgres: install
	HONGFAN_ENV=test DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hongfan} $(UV) run pytest -m "not browser" --create-db

lint: install
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run lint-imports

typecheck: install
	$(UV) run mypy hongfan

bench: install
	$(UV) run python bench/run_all.py

# --- Backups (issue 11 §3; docs/backup.md) ----------------------------------------------
.PHONY: backup restore
# make backup [BACKUP_ARGS="--keep-daily 14 --keep-weekly 8"]: into HONGFAN_BACKUP_DIR (var/backups)
backup: install
	$(UV) run python manage.py backup $(BACKUP_ARGS)

# make restore FILE=var/backups/hongfan-….hfbak: verifies, asks, then REPLACES the data
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/hongfan-YYYYMMDD-HHMMSS-sqlite.hfbak"; exit 2; }
	$(UV) run python manage.py restore "$(FILE)"
# --- end of backups ----------------------------------------------------------------------

clean:
	rm -rf var/*.sqlite3* var/static
