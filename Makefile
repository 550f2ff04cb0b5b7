# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := data/demo
PORT   ?= 8501
LOCK   := requirements.lock

.PHONY: run test lint format demo browser-deps bench clean lock

# every dependency at the version and hash the lock file pins, then the project itself
$(STAMP): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# a deliberate upgrade: the newest releases pyproject.toml allows, pinned with their
# hashes; then `make test` on them before committing the new lock
lock:
	$(PYTHON) -m venv .lock-tools
	.lock-tools/bin/pip install --quiet uv
	.lock-tools/bin/uv pip compile pyproject.toml --extra dev --upgrade \
	    --generate-hashes --no-header --no-annotate \
	    --python-version $$($(PYTHON) -c 'import platform; print(platform.python_version())') \
	    -o $(LOCK)

$(DEMO)/README.txt: | $(STAMP)
	$(BIN)/hotspot-map demo --out $(DEMO) --boundaries-out boundaries/demo

demo: $(DEMO)/README.txt

run: $(STAMP) demo
	$(BIN)/python -m app.serve --server.address 127.0.0.1 --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test: $(STAMP) demo
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO) boundaries/demo .pytest_cache .ruff_cache .lock-tools
