# socmap: two commands on a fresh machine.
#   make demo   set up, load reference and demo data, serve on http://127.0.0.1:8000
#   make test   install what the tests need (including Debian's chromium) and run them all

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_FORCES ?= 6
DEMO_SEED   ?= 2026

.PHONY: demo test install chromium lint check serve bench fuzz clean-demo

$(STAMP): pyproject.toml
	@echo "==> Creating the virtual environment in $(VENV) and installing socmap"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

demo: install
	@echo "==> Preparing the embedded SQLite database (var/socmap.sqlite3)"
	$(BIN)/socmap migrate --noinput
	$(BIN)/socmap load-reference
	$(BIN)/socmap demo-data --forces $(DEMO_FORCES) --seed $(DEMO_SEED)
	@echo "==> socmap is starting on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(BIN)/socmap runserver 127.0.0.1:8000

chromium:
	@if command -v chromium >/dev/null 2>&1; then \
		echo "==> chromium present: $$(chromium --version 2>/dev/null)"; \
	else \
		echo "==> Installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; \
	fi

lint: install
	$(BIN)/ruff check .

test: install chromium lint
	@if [ -n "$$DATABASE_URL" ]; then echo "==> Running the test suite on PostgreSQL"; \
		else echo "==> Running the test suite on SQLite"; fi
	$(BIN)/pytest

check: test

serve: install
	$(BIN)/socmap runserver 127.0.0.1:8000

BENCH_SCALE ?= 1
bench_n = $(shell $(PYTHON) -c "print(max($(2), round($(1) * $(BENCH_SCALE))))")

bench: install
	@echo "==> Benchmarks at scale $(BENCH_SCALE) (PostgreSQL on DATABASE_URL or 127.0.0.1:5432); figures in BENCHMARKS.md"
	$(BIN)/pip install --quiet -e '.[test,bench]'
	BENCH_SCALE=$(BENCH_SCALE) timeout 5400 $(BIN)/python -m bench.national all --users 50 --seconds 60 --benchmarks BENCHMARKS.md
	timeout 1800 $(BIN)/python bench/performance_ranking.py --rows $(call bench_n,1000000,10000)
	timeout 1800 $(BIN)/python bench/network_bench.py --edges $(call bench_n,1000000,10000)
	timeout 1800 $(BIN)/python bench/linkage_bench.py --records $(call bench_n,100000,2000) $(call bench_n,1000000,5000)
	timeout 1800 $(BIN)/python bench/search.py --nominals $(call bench_n,250000,2500)

fuzz: install
	@echo "==> Fuzzing the API with schemathesis (every phase, $${SOCMAP_FUZZ_EXAMPLES:-40} cases per operation) and the parsers with hypothesis"
	SOCMAP_FUZZ_FULL=1 SOCMAP_FUZZ_EXAMPLES=$${SOCMAP_FUZZ_EXAMPLES:-40} SOCMAP_HYPOTHESIS_EXAMPLES=$${SOCMAP_HYPOTHESIS_EXAMPLES:-300} $(BIN)/pytest -q -p no:cacheprovider tests/fuzz

clean-demo:
	rm -f var/socmap.sqlite3 var/socmap.sqlite3-wal var/socmap.sqlite3-shm
