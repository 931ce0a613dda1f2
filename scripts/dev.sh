#!/usr/bin/env bash
# `npm run dev`: starts missing local infrastructure, builds, then runs the sandbox (simulator seeded
# with a demo organization, the four services, the example bot) on the documented ports until Ctrl-C.
# `npm run dev -- --socket` runs it with Slack's requests over Socket Mode.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/infra.sh
npm run build --silent
exec node --enable-source-maps tools/sandbox/dist/dev.js "$@"
