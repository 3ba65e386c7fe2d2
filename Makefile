# Hongfan — the two commands: `make demo` and `make test`.
# `make serve` runs the production web server, `make dev` Django's development server.
SHELL := /bin/bash
# uv from PATH, else the uv that `make install` puts in Python's site-packages (python3 -m uv).
UV = $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := hongfan.settings

.PHONY: uv demo dev test install migrate seed serve static worker accounts lint typecheck test-browser test-postgres bench clean
.PHONY: test-redis
.PHONY: bench-http

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

# --- Serving (issue 11, production server): make demo / serve / dev / static ---------------
# make demo: the demo city served the way a hospital runs it: gunicorn (deploy/gunicorn.conf.py),
# DEBUG off, the Chinese error pages, compressed static files through whitenoise and the huey
# worker beside it, on plain HTTP at 127.0.0.1. HONGFAN_ENV=prod with real secrets generated
# once into var/demo.env (0600, git-ignored; own database var/demo.sqlite3). Ctrl-C stops both.
demo: install
	@$(UV) run python deploy/demo_env.py var/demo.env
	@set -a && . var/demo.env && set +a && \
		$(UV) run python manage.py migrate --noinput && \
		$(UV) run python manage.py builddemo && \
		$(MAKE) --no-print-directory static accounts && \
		UV="$(UV)" HOST=$(HOST) PORT=$(PORT) deploy/web-and-worker

# make serve: the production web server alone with the environment's configuration (.env;
# DEBUG off unless HONGFAN_DEBUG says otherwise); run `make worker` beside it. systemd units
# for a real installation: deploy/ and docs/deployment.md.
serve: static
	HONGFAN_DEBUG=$${HONGFAN_DEBUG:-false} HOST=$(HOST) PORT=$(PORT) $(UV) run gunicorn -c deploy/gunicorn.conf.py

# make dev: Django's development server (DEBUG on, reloads on change) on the development
# database var/hongfan.sqlite3, for developers.
dev: seed accounts
	$(UV) run python manage.py runserver $(HOST):$(PORT)

# Static files with hashed names and their .gz/.br copies in var/static (collected again only
# when a file under hongfan/static or hongfan/public, or uv.lock, is newer than the manifest).
static serve: export HONGFAN_STATIC_MANIFEST = true
STATIC_SOURCES := $(shell find hongfan/static hongfan/public -type f 2>/dev/null) uv.lock
static: install
	@$(MAKE) --no-print-directory var/static/staticfiles.json
var/static/staticfiles.json: $(STATIC_SOURCES)
	$(UV) run python manage.py collectstatic --noinput -v 1
	@touch $@

accounts:
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
# --- end of serving ---------------------------------------------------------------------

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

# --- Redis (issue 11 §4: redis) ---------------------------------------------------------------
# The Redis tests and the suites that lean on the cache, sessions, lockout and the queue, run
# with HONGFAN_REDIS_URL on a Redis database of their own (emptied first: never point
# HONGFAN_TEST_REDIS_URL at a database in use).
HONGFAN_TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
test-redis: install
	redis-cli -u $(HONGFAN_TEST_REDIS_URL) flushdb >/dev/null
	HONGFAN_ENV=test HONGFAN_REDIS_URL=$(HONGFAN_TEST_REDIS_URL) HONGFAN_REDIS_TESTS_REQUIRED=1 \
		$(UV) run pytest -m "not browser" --create-db hongfan/tests/test_redis.py \
		hongfan/accounts/tests hongfan/notices/tests
	redis-cli -u $(HONGFAN_TEST_REDIS_URL) flushdb >/dev/null
# --- end of Redis ------------------------------------------------------------------------------

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

# (perf, issue 11 §2) pages under load through the production server: bench/README.md
bench-http: install
	$(UV) run python bench/bench_http.py $(BENCH_HTTP_ARGS)

clean:
	rm -rf var/*.sqlite3* var/static
