# The newcomer's door: `make demo` and `make test` work from a clean clone with only python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench bench-tools sbom clean

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

bench: $(STAMP) bench-tools
	$(BIN)/python bench/hash_weights.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/history.py
	$(BIN)/python bench/scan_code.py

# ripgrep, the yardstick of bench/scan_code.py: the PyPI "ripgrep" wheel ships the rg binary
# (pip picks the newest version with a wheel for this platform); apt is the fallback.
bench-tools: $(STAMP)
	@test -x $(BIN)/rg || command -v rg >/dev/null || \
	  $(BIN)/python -m pip install --quiet --only-binary :all: ripgrep || \
	  (apt-get update -qq && apt-get install -y -qq ripgrep)

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache
