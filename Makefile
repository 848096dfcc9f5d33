# Two entry points a user needs: `make serve` and `make test`. Everything else is for developers.
# The interpreter the virtualenv is made from. Debian's python3.11 is built with profile-guided
# optimisation and link-time optimisation, which a default pyenv or source build is not; this project's
# Python-heavy work (splitting, enrichment, highlighting, facets) runs in about 0.84x the CPU on it
# (docs/benchmarks.md, "The interpreter"). Taken when it can make virtualenvs (python3.11-venv);
# `make PYTHON=python3 ...` overrides.
PYTHON ?= $(shell /usr/bin/python3.11 -c 'import ensurepip' >/dev/null 2>&1 && echo /usr/bin/python3.11 || echo python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= corpus
INDEX  ?= var/index
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: serve test install index lint clean bench relevance reliability split-quality solr solr-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

index: $(STAMP)
	$(BIN)/interviews build --if-missing --corpus $(CORPUS) --index $(INDEX)

serve: index
	$(BIN)/interviews serve --corpus $(CORPUS) --index $(INDEX) --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .

# axe-core for the browser tests' accessibility check; reinstalled only when the lock file changes.
AXE := node_modules/axe-core/axe.min.js
# Without npm the accessibility checks skip locally (and fail under CI, where .ci/run installs npm).
$(AXE): package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else echo "npm not found: browser accessibility checks will be skipped"; fi

test: $(STAMP) $(AXE)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# Benchmarks (docs/benchmarks.md): speed at BENCH_ARTICLES articles (~10 passages each) against plain
# Whoosh and SQLite FTS5, and ranking quality on ../shared/ir. Web load uses wrk when installed.
# BENCH_ENGINE=solr: the same corpus and query classes on the `make solr` cluster beside Whoosh (docs/solr.md).
BENCH_ARTICLES ?= 10000
BENCH_STAMP    := $(VENV)/.bench-installed
$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

BENCH_ENGINE   ?= whoosh
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.speed --articles $(BENCH_ARTICLES) --engine $(BENCH_ENGINE)

relevance: $(BENCH_STAMP)
	$(BIN)/python -m bench.relevance

# Splitter quality (docs/parsing.md): question precision/recall/F1, interviewees, publication and intro on
# the annotated dev set (../shared/corpora/interviews-dev, when present) and the held-out set
# (tests/fixtures/realworld), with the worst files' missed and extra questions.
split-quality: $(STAMP)
	$(BIN)/python -m bench.split_quality --worst 8

# Reliability (docs/reliability.md): the fault tests, 1,000,000 fuzz inputs, 50 SIGKILLed builds and
# updates, 10 minutes of load through `interviews serve`, and ordinary searches (p95 <= 1 s) while 60 slow
# clients hold connections and, separately, 4 clients loop the costliest query. About an hour; figures in
# var/reliability/.
RELIABILITY   := var/reliability
LOAD_SECONDS  ?= 600
FUZZ_RUNS     ?= 1000000
CRASH_KILLS   ?= 50
reliability: $(BENCH_STAMP) $(AXE)
	mkdir -p $(RELIABILITY)
	$(BIN)/python -m pytest -q tests/test_fuzz.py tests/test_query_limits.py tests/test_reliability.py \
		tests/test_xss.py tests/test_xss_payloads.py tests/test_api_contract.py tests/test_corpus_safety.py \
		tests/test_serve.py
	$(BIN)/python -m bench.fuzz_long --runs $(FUZZ_RUNS) --workdir $(RELIABILITY)/fuzz --json $(RELIABILITY)/fuzz.json
	$(BIN)/python -m bench.crash_test --kills $(CRASH_KILLS) --json $(RELIABILITY)/crash.json
	$(BIN)/python -m bench.load_test --seconds $(LOAD_SECONDS) --json $(RELIABILITY)/load.json
	$(BIN)/python -m bench.hostile_load --json $(RELIABILITY)/hostile.json

# A local SolrCloud (3 nodes, collection `passages`, 2 shards x 2 replicas) from Maven artifacts, in the
# background; prints the collection URL last and writes it to var/solr/url (docs/solr.md).
solr:
	@solr/cluster.sh start

solr-stop:
	@solr/cluster.sh stop

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache solr/devcluster/target
