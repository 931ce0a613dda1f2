#!/usr/bin/env bash
# Type-checks every workspace (sources and tests), lints the protos, and fails when the generated
# contracts differ from what `npm run generate` produces from proto/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/node_modules/.bin:$PATH"

echo "lint: tsc (all workspaces, sources and tests)"
tsc -p tsconfig.json

echo "lint: tsc (the simulator's browser UI)"
tsc -p tools/slack-sim/ui

echo "lint: buf lint"
buf lint proto

echo "lint: generated contracts are current"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
(cd proto && buf generate --template "{\"version\":\"v2\",\"plugins\":[{\"local\":\"protoc-gen-es\",\"out\":\"$fresh\",\"opt\":[\"target=ts\",\"import_extension=js\"]}]}")
if ! diff -r "$fresh" packages/contracts/src/gen >/dev/null; then
  { diff -r "$fresh" packages/contracts/src/gen || true; } | head -20 >&2
  echo "lint: packages/contracts/src/gen is stale: run npm run generate and commit the result" >&2
  exit 1
fi
echo "lint: ok"
