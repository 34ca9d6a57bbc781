# The README's two commands: `make demo` and `make test`. Both set up .venv themselves.
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: demo test check lint

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	@echo "管理后台：http://127.0.0.1:8000/admin/  （Ctrl+C 停止）"
	@# one background worker for large imports (django-tasks-db), stopped together with the server
	DJANGO_DEBUG=1 $(PY) manage.py db_worker --no-reload -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# The browser journeys (tests/e2e) drive Debian's chromium; a CJK font makes their screenshots
# legible. A missing browser must fail the run, so install it rather than skip those tests.
CHROMIUM := /usr/bin/chromium
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

$(CHROMIUM) $(CJK_FONT):
	apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null

test: $(VENV)/.installed $(CHROMIUM) $(CJK_FONT)
	$(PY) -m pytest $(PYTEST_ARGS)

check: $(VENV)/.installed
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=1 $(PY) manage.py check

# Lint, format check and the architecture contracts (import-linter, pyproject.toml).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
