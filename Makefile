# Hongfan — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
# uv from PATH, else the uv that `make install` puts in Python's site-packages (python3 -m uv).
UV = $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := hongfan.settings

.PHONY: uv demo test install migrate seed serve worker lint typecheck test-browser test-postgres bench bench-http clean

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

# (perf, issue 11 §2) pages under load through the production server: bench/README.md
bench-http: install
	$(UV) run python bench/bench_http.py $(BENCH_HTTP_ARGS)

clean:
	rm -rf var/*.sqlite3* var/static
