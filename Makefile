# The two commands: `make run` (the product on http://127.0.0.1:8000) and `make test`.
PY := .venv/bin/python
PORT ?= 8000

.PHONY: run test test-django lint embedded-stop bootstrap loadtest

run:
	@scripts/bootstrap.sh runtime
	$(PY) scripts/run.py --port $(PORT) $(RUN_ARGS)

test:
	@scripts/bootstrap.sh dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	@$(MAKE) --no-print-directory test-django

# manage.py check, makemigrations --check and pytest (the first failure's status is kept). The
# first of them (each is an entry point: pcadvisor/startup.py) starts the embedded PostgreSQL and
# Redis when they are not running; at the end they are stopped again if they were started after
# `mark` (by these commands), and left running otherwise. Ctrl-C still stops what they started.
test-django:
	@mark=$$($(PY) -c 'import psutil; print(psutil.Process().create_time())'); \
	trap : INT TERM; \
	run() { echo "$$*"; "$$@"; }; \
	run $(PY) manage.py check && \
	run $(PY) manage.py makemigrations --check --dry-run && \
	run $(PY) -m pytest $(PYTEST_ARGS); \
	rc=$$?; \
	$(PY) manage.py embedded stop --started-after $$mark; \
	exit $$rc

# Load test (locust, headless, 20 users until 2,400 requests) of a server started with
# `make run` in this checkout (it reads the same database for its product pages), e.g.
# `make run PORT=8115` in one terminal, `make loadtest LOADTEST_URL=http://127.0.0.1:8115` in
# another. Last line: p95_ms=<x> requests=<n> errors=<n>; fails on any error.
LOADTEST_URL ?= http://127.0.0.1:$(PORT)
loadtest:
	@scripts/bootstrap.sh dev
	$(PY) manage.py loadtest --url $(LOADTEST_URL) $(LOADTEST_ARGS)

lint:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# Stop the embedded PostgreSQL and Redis (`manage.py embedded status` shows them).
embedded-stop:
	$(PY) manage.py embedded stop
