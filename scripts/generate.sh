#!/usr/bin/env bash
# Regenerates packages/contracts/src/gen from proto/ with the buf and protoc-gen-es binaries
# shipped in node_modules (no network needed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/proto"
PATH="$root/node_modules/.bin:$PATH" buf generate
