# minekg: `make run` builds, validates, reports, exports, draws the network and the map, and serves; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PROFILE ?= CLEAR
FORMATS := turtle ntriples nquads trig rdfxml jsonld csv
# pytest-xdist workers for `make test`: one per core of the CI machine (more finish sooner where the load allows,
# but the server tests of time limits and worker restarts then wait on the CPU). Whole files go to one worker (--dist loadfile), so a module's server or browser
# starts once. `make test TEST_WORKERS=0` runs in one process; TEST_ARGS adds pytest options (-m "not slow").
TEST_WORKERS ?= 2
TEST_ARGS ?=

.PHONY: run build export viz map test bench clean freeze-fixture

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[test]'
	@# pyLODE writes its background-ontology cache into its own package on first use, not atomically; a
	@# server that stops a pyLODE run mid-write would leave it truncated. Write it once here, alone.
	@$(BIN)/python -c "from pylode.utils import load_background_onts as b, load_background_onts_titles as t; t(b())"
	@touch $(STAMP)

run: build export viz map
	@echo "outputs: build/minekg.nq (N-Quads, a named graph per source), build/summary.json,"
	@echo "         out/export/<format>/ (linked-data exports, profile $(PROFILE)), build/viz/index.html (claims network),"
	@echo "         build/map/ (world map of Mine Ban Treaty status today: map.svg, map.png, index.html)"
	@$(BIN)/minekg serve --host $(HOST) --port $(PORT) --profile $(PROFILE)

build: $(STAMP)
	@$(BIN)/minekg build
	@$(BIN)/minekg validate
	@$(BIN)/minekg coverage

export: $(STAMP)
	@test -f build/minekg.nq || $(BIN)/minekg build
	@for f in $(FORMATS); do \
	  $(BIN)/minekg export --format $$f --out out/export/$$f --profile $(PROFILE) --force >/dev/null || exit 1; done
	@echo "exported $(FORMATS) to out/export/"

viz: $(STAMP)
	@test -f build/minekg.nq || $(BIN)/minekg build
	@$(BIN)/minekg viz --out build/viz --profile $(PROFILE)

map: $(STAMP)
	@test -f build/minekg.nq || $(BIN)/minekg build
	@$(BIN)/minekg map --out build/map --profile $(PROFILE)

test: $(STAMP)
	@$(BIN)/ruff check minekg tests bench
	@$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile $(TEST_ARGS)

# The tests that assert exact answers read tests/fixtures/seed/graph_data/, a frozen copy of graph_data/.
# Refresh it on purpose, when the expected answers are updated with it (docs/curation.md).
freeze-fixture:
	@rm -rf tests/fixtures/seed/.graph_data.new
	@cp -a graph_data tests/fixtures/seed/.graph_data.new
	@rm -rf tests/fixtures/seed/graph_data
	@mv tests/fixtures/seed/.graph_data.new tests/fixtures/seed/graph_data
	@echo "froze graph_data/ into tests/fixtures/seed/graph_data/"

bench: $(STAMP)
	@$(BIN)/python -m bench

clean:
	rm -rf build out tests/output
