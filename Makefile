# The two commands a newcomer needs:
#   make run   - install, migrate, load the demo workshop and serve it at http://127.0.0.1:8000
#   make test  - run the whole test suite against PostgreSQL (started and created if needed)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/deliberation
HOST ?= 127.0.0.1
PORT ?= 8000

ARGDOWN := .cache/argdown/node_modules/@argdown/core

.PHONY: run test lint postgres clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/.installed
	-@command -v npm >/dev/null && $(MAKE) --no-print-directory $(ARGDOWN) || echo "Node.js not found: Argdown import is unavailable."
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(VENV)/bin/uvicorn deliberation.asgi:application --host $(HOST) --port $(PORT) --timeout-graceful-shutdown 5

test: $(VENV)/.installed postgres $(ARGDOWN)
	DEBUG=1 DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_URL)} $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The reference Argdown parser (Node.js), used to import Argdown and to check our Argdown exports.
$(ARGDOWN):
	npm install --no-save --no-audit --no-fund --silent --prefix .cache/argdown @argdown/core@2.0.1 @argdown/node@2.0.3

# Start a local PostgreSQL cluster if one is installed but stopped, and create the database.
postgres:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
	  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then \
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start; \
	  else echo "PostgreSQL is not installed: install it (e.g. apt-get install postgresql) and run make test again." >&2; exit 1; fi; \
	  for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	fi
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='deliberation'" | grep -q 1 \
	  || createdb -h 127.0.0.1 -U postgres deliberation

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
