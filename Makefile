# Quick start: `make site` then `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift
TEBIKI := .build/release/tebiki

.PHONY: site tool test test-swift test-js test-e2e bench check clean

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

test-js:
	node --test Tests/js/

test-e2e:
	TEBIKI=$(TEBIKI) python3 -m pytest -q Tests/e2e

bench: tool
	@scripts/ensure-deps.sh bench
	python3 bench/run.py

clean:
	rm -rf .build _site
