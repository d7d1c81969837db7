# The two commands: `make run` (the product on http://127.0.0.1:8000) and `make test`.
PY := .venv/bin/python
PORT ?= 8000

.PHONY: run test lint services-stop bootstrap

run:
	@scripts/bootstrap.sh runtime
	$(PY) scripts/run.py --port $(PORT)

test:
	@scripts/bootstrap.sh dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

services-stop:
	$(PY) manage.py services stop
