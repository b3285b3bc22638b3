# The newcomer's door: `make demo` and `make test` work from a clean clone with only python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench sbom clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/aigate scan examples/demo-app -o examples/demo-app.cdx.json

lint: $(STAMP)
	$(BIN)/ruff check gate tests bench
	$(BIN)/ruff format --check gate tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q $(TESTS)

test: lint typecheck pytest

# The references the benchmark compares against (model_signing) are the bench extra.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/hash_weights.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/history.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache
