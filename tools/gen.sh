#!/usr/bin/env bash
# Generates every client/server stub and the descriptor set under OUT (default: the repo root).
# `make gen` writes into the tree; `make gen-check` writes into a temp dir and diffs.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.}"
export PATH="$PWD/tools/node/node_modules/.bin:$PATH"
buf generate protos --output "$out"
pkg="$out/gen/python/src/tradex_proto"
mkdir -p "$pkg"
# The whole workspace, not just protos/: the set also carries google/rpc/status.proto and
# error_details.proto (third_party/googleapis), which no TradeX file imports but Envoy's transcoder
# needs to render a google.rpc.ErrorInfo from grpc-status-details-bin into a REST body's `details`.
buf build . --as-file-descriptor-set -o "$pkg/descriptor_set.binpb"
cp tools/templates/tradex_proto_init.py "$pkg/__init__.py"
# The OpenAPI description (tools/protoc_gen_openapi.py) also ships in the package: the edge serves it.
cp "$out/gen/openapi/tradex.openapi.json" "$pkg/openapi.json"
