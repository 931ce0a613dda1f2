#!/usr/bin/env bash
# Starts the suite locally: missing infrastructure, then the four services with development
# defaults. Ctrl-C stops what this script started and nothing else.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/infra.sh
npm run build --silent

mkdir -p .local
[ -f .local/dev-encryption-key ] || node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))' > .local/dev-encryption-key

export MEGATRON_APP_MODE="${MEGATRON_APP_MODE:-megatron-dev}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
export TOKEN_ENCRYPTION_KEY="${TOKEN_ENCRYPTION_KEY:-$(cat .local/dev-encryption-key)}"
export SLACK_SIGNING_SECRET="${SLACK_SIGNING_SECRET:-dev-signing-secret}"
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:8002}"
export MIGRATE_ON_START="${MIGRATE_ON_START:-true}"

pids=()
stop() {
  trap - INT TERM EXIT
  ((${#pids[@]})) && kill -TERM "${pids[@]}" 2>/dev/null || true
  wait || true
}
trap stop INT TERM EXIT

for service in command-core connection-slack app-notifier interpreter-slack; do
  node --enable-source-maps "services/$service/dist/main.js" &
  pids+=($!)
done

cat <<INFO
Megatron is starting:
  Slack endpoints    http://127.0.0.1:8002/megatron/slack/{slash-command,interactive-message,event}/
  integrating API    http://127.0.0.1:8080  (REST /megatron/..., Connect JSON /megatron.v1.MegatronService/...)
  gRPC               command-core :9090, connection-slack :9091, app-notifier :9092
Press Ctrl-C to stop.
INFO
wait
