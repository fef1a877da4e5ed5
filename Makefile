# TradeX — two commands on a fresh machine: `make up` (run the exchange) and `make test`.
# Prerequisites: Python 3.11+, Java 17+, Maven, Node.js/npm (buf), Go (protoc-gen-go). Everything else is
# installed by these targets into .venv/ and tools/node/node_modules/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := tools/node/node_modules/.installed
GO_PLUGINS := tools/go/bin/protoc-gen-go tools/go/bin/protoc-gen-go-grpc
TS_EXAMPLE_STAMP := examples/ts/node_modules/.installed

.PHONY: install up test test-unit test-integration lint gen gen-check bench clean

install: $(STAMP) $(NODE_STAMP) $(GO_PLUGINS) $(TS_EXAMPLE_STAMP)

$(STAMP): pyproject.toml gen/python/pyproject.toml sdk/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e gen/python -e sdk -e '.[dev]'
	touch $@

$(NODE_STAMP): tools/node/package.json
	cd tools/node && npm install --silent --no-audit --no-fund
	touch $@

$(TS_EXAMPLE_STAMP): examples/ts/package.json
	cd examples/ts && npm install --silent --no-audit --no-fund
	touch $@

tools/go/bin/protoc-gen-go:
	GOBIN=$$PWD/tools/go/bin go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.10

tools/go/bin/protoc-gen-go-grpc:
	GOBIN=$$PWD/tools/go/bin go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.5.1

up: install
	$(VENV)/bin/tradex up

test: install
	$(PY) -m pytest -q -p no:cacheprovider

test-unit: install
	$(PY) -m pytest -q tests/unit

lint: install
	PATH="$$PWD/tools/node/node_modules/.bin:$$PATH" buf lint
	@if git rev-parse -q --verify main >/dev/null && git cat-file -e main:protos 2>/dev/null; then \
		echo "buf breaking against main"; \
		PATH="$$PWD/tools/node/node_modules/.bin:$$PATH" buf breaking protos --against '.git#branch=main,subdir=protos'; \
	else echo "buf breaking: main has no protos yet, nothing to compare"; fi
	$(VENV)/bin/ruff check .

gen: install
	bash tools/gen.sh

gen-check: install
	@tmp=$$(mktemp -d); bash tools/gen.sh "$$tmp" >/dev/null; \
	if diff -r -q -x __pycache__ -x pyproject.toml -x '*.egg-info' -x node_modules -x package.json -x package-lock.json -x tsconfig.json -x README.md "$$tmp/gen" gen; then echo "gen/ is fresh"; \
	else echo "gen/ is stale: run make gen and commit"; rm -rf "$$tmp"; exit 1; fi; rm -rf "$$tmp"

bench: install
	$(PY) -m bench.engine_bench
	$(PY) -m bench.mesh_bench
	$(PY) -m bench.order_path
	$(PY) -m bench.ws_bench --subscribers 100 --rate 20 --seconds 5
	$(PY) -m bench.ws_bench --subscribers 1000 --rate 20 --seconds 5 --processes 2
	$(PY) -m bench.ws_bench --mesh --subscribers 1000 --rate 20 --seconds 20 --processes 2

clean:
	rm -rf .tradex/data
