# minekg: `make run` builds, validates and reports; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/minekg build
	@$(BIN)/minekg validate
	@echo "outputs: build/minekg.nq (N-Quads, named graph per source), build/summary.json"

test: $(STAMP)
	@$(BIN)/ruff check minekg tests bench
	@$(BIN)/python -m pytest -q

bench: $(STAMP)
	@$(BIN)/python -m bench

clean:
	rm -rf build tests/output
