# Ledgerline — `make run` starts the app, `make test` runs the suite; both bootstrap .venv.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: help run test bench lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Dev mode for the demo only: `make test` must not inherit it.
run: export DEV_MODE ?= 1
run: $(STAMP) ## Start the demo on http://localhost:8000/dev (a fake Jira, SQLite in var/, dev mode)
	$(VENV)/bin/ledgerline migrate
	$(VENV)/bin/ledgerline demo-site --port $(PORT)

test: $(STAMP) ## Run the test suite (real PostgreSQL + Redis when CI=true)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: $(STAMP) ## Run the benchmarks under bench/ and print their figures
	@for script in bench/[!_]*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

lint: $(STAMP) ## ruff
	$(VENV)/bin/ruff check .

clean: ## Remove the venv and local data
	rm -rf $(VENV) var .pytest_cache
