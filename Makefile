# Sales Web: `make run` starts the main job, `make test` runs every test.
# Both create .venv with a Python >= 3.12 found by *running* candidates: on these
# machines `python3.12` may be a pyenv shim that exists but fails (STACK-NOTES.md).

VENV      := .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
CANDIDATES := python3.13 python3.12 python3 \
	$(wildcard $(PYENV_ROOT)/versions/3.1[2-9]*/bin/python3) \
	$(wildcard /usr/local/bin/python3.1[2-9]) $(wildcard /usr/bin/python3.1[2-9])
HOST      ?= 127.0.0.1
PORT      ?= 8765
TEST_WORKERS ?= 2
export SOLARA_TELEMETRY_MIXPANEL_ENABLE := False

.PHONY: run simulate test test-quick lint format bench bench-10m bench-guard bench-sweep architecture validation clean install

$(PY):
	@found=""; for p in $(CANDIDATES); do \
	  if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then found=$$p; break; fi; \
	done; \
	if [ -z "$$found" ]; then \
	  echo "error: Sales Web needs Python >= 3.12 (Mesa 3.5 does) and none of these runs one:" >&2; \
	  echo "  $(CANDIDATES)" >&2; \
	  echo "Install Python 3.12+ (pyenv install 3.12, or your package manager) and retry." >&2; \
	  exit 1; \
	fi; \
	echo "using $$found ($$($$found --version))"; \
	$$found -m venv $(VENV)

# uv installs the same versions as pip (checked against `pip freeze` on 2026-12-05) in
# 91 s instead of 246 s on a fresh machine with no cache; it does not read pip's config,
# so where it fails (a private index only pip knows) pip does the install.
$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -e '.[gui,research,test]' \
	  || $(PY) -m pip install --quiet -e '.[gui,research,test]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/salesweb serve --host $(HOST) --port $(PORT)

simulate: $(STAMP)
	$(VENV)/bin/salesweb simulate --scenario default

test: $(STAMP)  # --durations: the slowest items, for CI's 20-minute budget (docs/performance.md)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --ignore=tests/browser --durations=30
	@# alone: tried on 2026-12-05 beside the rest, on two workers (each worker's app server
	@# ran its own study pool: load average 19, 14 of the first 27 tests failed or errored)
	@# and on one worker beside two computing ones (load average 17, 7 errored at once)
	$(VENV)/bin/python -m pytest tests/browser --durations=30

# the quick pass while working: everything but the statistical (slow) and browser tests
test-quick: $(STAMP)
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) -m "not slow and not browser" --ignore=tests/browser

lint: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# every figure, with the commit, to benchmarks/bench.json; `make bench-guard` re-measures
# the committed step-time ratios that tests/test_bench_guard.py holds the code to
BENCH_JSON ?= benchmarks/bench.json
bench: $(STAMP)
	$(VENV)/bin/salesweb bench --json $(BENCH_JSON)  # with the issue 22 study timed (--study-seeds)

# issue 22: the bench with a market of ten million employees (10 weeks, about 5 GB)
bench-10m: $(STAMP)
	$(VENV)/bin/salesweb bench --ten-million 10 --json $(BENCH_JSON)

bench-guard: $(STAMP)
	$(PY) -m experiments.bench_guard --write benchmarks/guard.json

bench-sweep: $(STAMP)
	$(VENV)/bin/python experiments/bench_sweep.py

# every seeded page of the docs, remade in order (about 3.7 h; resumes where it stopped):
# docs/architecture.md "Remaking the seeded pages"; `salesweb regenerate --list` lists them
validation: $(STAMP)
	$(VENV)/bin/salesweb regenerate

architecture: $(STAMP)
	$(PY) tools/import_graph.py --png docs/img/architecture.png

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
