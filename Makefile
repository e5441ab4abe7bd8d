# Two commands for a fresh machine:
#   make run    set up and serve the demo on the embedded SQLite database (http://127.0.0.1:8000)
#   make test   set up and run every test
# DATABASE_URL=postgres://user@host:5432/db selects PostgreSQL for either.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup sysdeps sysdeps-test messages fonts migrate seed lint bench clean

run: export XIETONG_ENV = development
run: setup migrate seed
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup sysdeps-test
	$(PY) -m pytest $(PYTEST_ARGS)

setup: sysdeps $(STAMP) messages fonts

sysdeps:
	@scripts/system-deps

sysdeps-test:
	@scripts/system-deps --test || echo "xietong: browser tests will be skipped (chromium missing)"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "xietong: Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

messages: $(STAMP)
	@XIETONG_ENV=development $(PY) manage.py compilemessages --ignore '.venv' -v 0

fonts: $(STAMP)
	@XIETONG_ENV=development $(PY) manage.py prepare_fonts > /dev/null

migrate: export XIETONG_ENV ?= development
migrate: $(STAMP)
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v 0

seed: export XIETONG_ENV ?= development
seed: $(STAMP)
	$(PY) manage.py seed_demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var/*.sqlite3*
