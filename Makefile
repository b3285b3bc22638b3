# The newcomer's door: `make demo` and `make test` work from a clean clone with only python3.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow lint lint-actions typecheck pytest bench bench-tools shipped-data sbom sbom-check clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the dependencies change.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The story on a fixed date: scan the demo app into its AI-BOM, then gate it. The release
# pack blocks it (Qwen models, DeepSeek's API: exit 1); the approved, time-bound waivers in
# examples/waivers.yaml let it pass and are listed (exit 0). It ends with the next commands.
DEMO_NOW ?= 2026-11-26
demo: $(STAMP)
	$(BIN)/aigate scan examples/demo-app -o examples/demo-app.cdx.json
	@echo; echo "== aigate check --policy release: expect FAIL (exit 1)"
	$(BIN)/aigate check --bom examples/demo-app.cdx.json --policy release --now $(DEMO_NOW); test $$? -eq 1
	@echo; echo "== the same with examples/waivers.yaml: expect PASS (exit 0)"
	$(BIN)/aigate check --bom examples/demo-app.cdx.json --policy release --waivers examples/waivers.yaml --now $(DEMO_NOW)
	@echo; echo "== the app's history gains a change Trae (ByteDance) co-wrote: expect FAIL (exit 1)"
	$(BIN)/python examples/demo_history.py $(VENV)/demo-history
	$(BIN)/aigate scan $(VENV)/demo-history --project-name demo-app -q -o $(VENV)/demo-history.cdx.json
	$(BIN)/aigate check --bom $(VENV)/demo-history.cdx.json --policy release --waivers examples/waivers.yaml \
	  --now $(DEMO_NOW); test $$? -eq 1
	@echo
	@echo "== next, try (aigate is installed in .venv: use .venv/bin/aigate, or run"
	@echo "   'source .venv/bin/activate' once and type aigate):"
	@echo "  .venv/bin/aigate explain examples/demo-app/models/local/coder-q4.gguf    # who made it, from what"
	@echo "  .venv/bin/aigate check --bom examples/demo-app.cdx.json --policy release --now $(DEMO_NOW) --verbose"
	@echo "  .venv/bin/aigate keygen --out-dir /tmp/aigate-keys    # a key pair for signing evidence offline"
	@echo "  .venv/bin/aigate export --bom examples/demo-app.cdx.json --policy release --waivers examples/waivers.yaml \\"
	@echo "      --now $(DEMO_NOW) --sign key --key /tmp/aigate-keys/aigate.key --out /tmp/aigate-evidence"
	@echo "  .venv/bin/aigate verify /tmp/aigate-evidence --key /tmp/aigate-keys/aigate.pub   # digests, signature, replay"
	@echo "  (the bundle holds report.html, the auditors' page: open it in a browser)"

lint: $(STAMP) lint-actions
	$(BIN)/ruff check gate tests bench sboms tools
	$(BIN)/ruff format --check gate tests bench sboms tools
	$(BIN)/lint-imports --no-cache

# The Action and the workflows against GitHub's schemas (vendored in check-jsonschema), then
# zizmor's offline audits (template injection, pinning, permissions, credentials ...).
lint-actions: $(STAMP)
	$(BIN)/check-jsonschema --builtin-schema vendor.github-actions action.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress action.yml .github/workflows/

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q $(TESTS)

test: lint typecheck sbom-check pytest

# Tests too slow for every run (the policy's rule coverage by mutants); CI runs them after
# `make test`, as their own step.
test-slow: $(STAMP)
	$(BIN)/pytest -q -m slow

# aigate's own AI-BOM (dogfood). The release is what .aigateignore leaves: the gate/ package,
# its policies, the packaging, the Action and the CI (not tests, examples, bench or docs).
# History is read (assistant commits), so `sbom-check` compares snapshots that leave the
# history-derived facts aside (gate/bom/snapshot.py, docs/reports.md "Dogfood").
SBOM := sboms/aigate.cdx.json
AIGATE_VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"$$/\1/p' gate/__init__.py)
SBOM_SCAN = env -u SOURCE_DATE_EPOCH $(BIN)/aigate scan . -q --project-name aigate \
	--project-version $(AIGATE_VERSION)

# The compiled forms of the shipped YAML data (gate/_compiled/, read instead of parsing the
# YAML when made from the same bytes: gate/shipped.py); run after editing gate/*/data/*.yaml.
shipped-data: $(STAMP)
	$(BIN)/python tools/gen_shipped_data.py

sbom: $(STAMP)
	$(SBOM_SCAN) -o $(SBOM)

sbom-check: $(STAMP)
	$(SBOM_SCAN) -o $(VENV)/aigate.fresh.cdx.json
	$(BIN)/python sboms/stale.py $(SBOM) $(VENV)/aigate.fresh.cdx.json

# The references the benchmark compares against (model_signing) are the bench extra.
BENCH_STAMP := $(VENV)/.installed-bench
$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) bench-tools
	$(BIN)/python bench/hash_weights.py
	$(BIN)/python bench/scan_code.py
	$(BIN)/python bench/history.py
	$(BIN)/python bench/policy_eval.py
	$(BIN)/python bench/assistant_policy.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/scan_refs_scale.py
	$(BIN)/python bench/foreign_bom.py
	$(BIN)/python bench/foreign_bom.py --own 10000
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/vs_cdxgen.py

# ripgrep, the yardstick of bench/scan_code.py: the PyPI "ripgrep" wheel ships the rg binary
# (pip picks the newest version with a wheel for this platform); apt is the fallback.
bench-tools: $(STAMP)
	@test -x $(BIN)/rg || command -v rg >/dev/null || \
	  $(BIN)/python -m pip install --quiet --only-binary :all: ripgrep || \
	  (apt-get update -qq && apt-get install -y -qq ripgrep)
	@test -x bench/_tools/node_modules/.bin/cdxgen || \
	  npm install --silent --no-audit --no-fund --prefix bench/_tools @cyclonedx/cdxgen

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache

# Coverage-guided fuzzing (atheris) of every header parser, the pickle scanner and the
# config/notebook readers: FUZZ_RUNS executions each; a crash (any exception but the
# parser's documented one) stops with the input saved as crash-* in the current folder.
FUZZ_RUNS ?= 1000000
FUZZ_TARGETS ?= gguf safetensors onnx coreml savedmodel tflite hdf5 ggml-ort archives \
	pickle-scanner pickle-file npy configs notebook
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[fuzz]'
	@for t in $(FUZZ_TARGETS); do \
		echo "== fuzz $$t ($(FUZZ_RUNS) runs)"; \
		$(BIN)/python -m tools.fuzz.run $$t -runs=$(FUZZ_RUNS) -max_len=65536 -rss_limit_mb=2048 \
			-timeout=30 -print_final_stats=1 || exit 1; \
	done
