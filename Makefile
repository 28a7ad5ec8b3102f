# Quick start: `make site` then `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift
TEBIKI := .build/release/tebiki

.PHONY: site tool test test-swift test-js test-e2e bench check clean search-eval

site: tool
	$(TEBIKI) build --source . --output _site

tool:
	@scripts/ensure-deps.sh build
	$(SWIFT) build -c release --product tebiki 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]' || true; }
	@test -x $(TEBIKI)

check: tool
	$(TEBIKI) check --source .

test: tool
	@scripts/ensure-deps.sh test
	@$(MAKE) --no-print-directory test-swift test-js test-e2e

test-swift:
	$(SWIFT) test 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]|^(Building|Compiling|Write|Linking)' || true; }

# The shard tests read the files the Swift indexer wrote for the real content, so the JS
# side is checked against them (a build of the default site into .build/test-site).
test-js: tool
	rm -rf .build/test-site && $(TEBIKI) build --source . --output .build/test-site >/dev/null
	TEBIKI_SITE=.build/test-site TEBIKI_INDEX_JSON=.build/test-site/search/index.json node --test Tests/js/

test-e2e:
	TEBIKI=$(TEBIKI) python3 -m pytest -q Tests/e2e

bench: tool
	@scripts/ensure-deps.sh bench
	python3 bench/run.py
	python3 bench/output_bytes.py

clean:
	rm -rf .build _site

# Search quality (docs/search.md "Evaluation"; not part of `make test`): the queries of
# Tests/search-eval/queries.tsv through the real search page (file://, headless Chromium) and
# through Pagefind on the same site; prints recall@1/5, MRR, zero-result counts and the misses,
# and writes per-query ranks to .build/search-eval.json. EVAL_FLAGS go to the script
# (e.g. EVAL_FLAGS="--engines tebiki --split dev").
EVAL_FLAGS ?=
search-eval: tool
	@scripts/ensure-deps.sh eval
	TEBIKI=$(TEBIKI) python3 scripts/search-eval.py --json .build/search-eval.json $(EVAL_FLAGS)

# Property-based fuzzing of the front-matter splitter, the loaders, the link resolver and the
# Markdown guard (per-input time budget)
# (docs/robustness.md); not part of `make test`, which runs a short bounded version.
# FUZZ_SECONDS is the total time, shared by the properties; FUZZ_FLAGS go to `swift test`.
FUZZ_SECONDS ?= 300
FUZZ_FLAGS ?=
.PHONY: fuzz
fuzz:
	@echo "fuzz: swift test --filter LoaderPropertyTests with TEBIKI_FUZZ_SECONDS=$(FUZZ_SECONDS)"
	TEBIKI_FUZZ_SECONDS=$(FUZZ_SECONDS) $(SWIFT) test $(FUZZ_FLAGS) --filter LoaderPropertyTests 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]|^(Building|Compiling|Write|Linking)' || true; }
