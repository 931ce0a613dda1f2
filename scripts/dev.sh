#!/usr/bin/env bash
# `npm run dev`: starts missing local infrastructure, builds (services and the simulator's UI), then runs the sandbox
# (simulator seeded with a demo organization, the four services, the example bot) on the documented ports until
# Ctrl-C, which also stops the servers infra.sh started for this run (listed in .local/dev-started).
# `npm run dev -- --socket` runs it with Slack's requests over Socket Mode.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
echo "Megatron sandbox: starting; the Slack simulator UI will be at http://127.0.0.1:8090/"
mkdir -p .local
export INFRA_STARTED_FILE="$root/.local/dev-started"
: >"$INFRA_STARTED_FILE"
# Until node takes over (exec below), a failed build or a Ctrl-C stops what infra.sh started here.
stop_started() {
  while read -r name pid; do
    # Postgres takes SIGINT as its fast shutdown; the others stop on SIGTERM.
    [[ -n "${pid:-}" ]] && kill "-$([[ "$name" == postgres ]] && echo INT || echo TERM)" "$pid" 2>/dev/null && echo "stopped $name (pid $pid)"
  done <"$INFRA_STARTED_FILE"
  rm -f "$INFRA_STARTED_FILE"
}
trap stop_started EXIT
bash scripts/infra.sh
npm run build --silent
trap - EXIT
exec node --enable-source-maps tools/sandbox/dist/dev.js "$@"
