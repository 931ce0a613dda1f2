#!/usr/bin/env bash
# Brings up the local infrastructure Megatron needs (Postgres, Redis, NATS with JetStream, S3) at the configured
# URLs: reuses whatever already answers there, otherwise starts the machine's own service (default ports) or a
# throwaway instance with its state under .local/. Idempotent; used by `npm run infra`, `npm run dev` and jest.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
WAIT_SECONDS="${INFRA_WAIT_SECONDS:-30}"

DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
S3_ENDPOINT="${S3_ENDPOINT:-http://127.0.0.1:4569}"
AWS_S3_BUCKET="${AWS_S3_BUCKET:-megatron-dev}"
export DATABASE_URL REDIS_URL NATS_URL S3_ENDPOINT AWS_S3_BUCKET

die() {
  echo "infra: $*" >&2
  exit 1
}

# `npm run dev` sets INFRA_STARTED_FILE to learn which servers this run started (`<name> <pid>` a line), so its
# Ctrl-C stops those and leaves alone what was already running. Machine services (the Debian packages' own
# Postgres, Redis and NATS) are the machine's and are not listed.
note_started() {
  if [[ -n "${INFRA_STARTED_FILE:-}" && -n "$2" ]]; then echo "$1 $2" >>"$INFRA_STARTED_FILE"; fi
}

# Sets URL_HOST, URL_PORT, URL_USER, URL_PATH from a URL such as postgres://user:pw@host:port/db.
parse_url() {
  local url="$1" default_port="$2"
  local re='^[a-z][a-z0-9+.-]*://(([^:@/]*)(:[^@/]*)?@)?([^:/?#]+)(:([0-9]+))?(/([^?#]*))?'
  [[ "$url" =~ $re ]] || die "cannot parse URL '$url'"
  URL_USER="${BASH_REMATCH[2]}"
  URL_HOST="${BASH_REMATCH[4]}"
  URL_PORT="${BASH_REMATCH[6]:-$default_port}"
  URL_PATH="${BASH_REMATCH[8]}"
}

is_local_host() {
  [[ "$1" == "127.0.0.1" || "$1" == "localhost" ]]
}

tcp_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

wait_until() {
  local what="$1" where="$2" hint="$3"
  shift 3
  local deadline=$((SECONDS + WAIT_SECONDS))
  until "$@"; do
    ((SECONDS < deadline)) || die "$what is down at $where after ${WAIT_SECONDS}s${hint:+ ($hint)}"
    sleep 0.3
  done
}

# Binaries are installed only when missing, only as root on Debian, and in one apt run for all of them.
ensure_packages() {
  local missing=()
  command -v pg_ctlcluster >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [[ -x /usr/sbin/nats-server ]] || command -v nats-server >/dev/null || missing+=(nats-server)
  ((${#missing[@]} == 0)) && return 0
  if [[ "$(id -u)" == 0 && -f /etc/debian_version ]]; then
    echo "infra: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]}) or point the URLs at running servers"
  fi
}

as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  [[ -n "$dir" ]] || die "postgres binaries not found under /usr/lib/postgresql"
  echo "$dir/$1"
}

# --- Postgres ---------------------------------------------------------------------------------------------

postgres_up() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

machine_postgres_port() {
  local conf
  conf="$(ls /etc/postgresql/*/main/postgresql.conf 2>/dev/null | sort -V | tail -n1)"
  [[ -n "$conf" ]] || return 1
  sed -nE 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*([0-9]+).*/\1/p' "$conf" | head -n1
}

start_throwaway_postgres() {
  local dir="$LOCAL/postgres-$PG_PORT" user="${PG_USER:-postgres}" db="${PG_DB:-postgres}"
  mkdir -p "$dir"
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "$dir"; fi
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    as_postgres "$(pg_bin initdb)" -D "$dir/data" -A trust -U "$user" >"$dir/initdb.log" 2>&1 ||
      die "postgres: initdb failed, see $dir/initdb.log"
  fi
  as_postgres "$(pg_bin pg_ctl)" -D "$dir/data" -l "$dir/log" -w -t "$WAIT_SECONDS" \
    -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1" start >/dev/null 9>&- ||
    die "postgres: throwaway instance on port $PG_PORT did not start, see $dir/log"
  if [[ "$db" != "postgres" ]]; then
    as_postgres "$(pg_bin createdb)" -h 127.0.0.1 -p "$PG_PORT" -U "$user" "$db" 2>/dev/null || true
  fi
  note_started postgres "$(head -n1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
  PG_HINT="log: $dir/log"
  echo "postgres: started throwaway on $PG_HOST:$PG_PORT (data in $dir)"
}

ensure_postgres() {
  parse_url "$DATABASE_URL" 5432
  PG_HOST="$URL_HOST" PG_PORT="$URL_PORT" PG_USER="$URL_USER" PG_DB="$URL_PATH" PG_HINT=""
  if postgres_up; then
    echo "postgres: reusing $PG_HOST:$PG_PORT"
    return 0
  fi
  is_local_host "$PG_HOST" || die "postgres is down at $PG_HOST:$PG_PORT and is not local, so it cannot be started here"
  ensure_packages
  if [[ "$(machine_postgres_port || true)" == "$PG_PORT" ]]; then
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n1)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 9>&- || true
    echo "postgres: started machine cluster $version/main on $PG_HOST:$PG_PORT"
  else
    start_throwaway_postgres
  fi
  wait_until postgres "$PG_HOST:$PG_PORT" "$PG_HINT" postgres_up
}

# --- Redis ------------------------------------------------------------------------------------------------

redis_up() {
  if command -v redis-cli >/dev/null; then
    [[ "$(timeout 3 redis-cli -u "$REDIS_URL" --no-auth-warning ping 2>/dev/null)" == "PONG" ]]
  else
    [[ "$(timeout 2 bash -c "exec 3<>/dev/tcp/$REDIS_HOST/$REDIS_PORT; printf 'PING\r\n' >&3; head -n1 <&3" 2>/dev/null)" == $'+PONG\r' ]]
  fi
}

ensure_redis() {
  parse_url "$REDIS_URL" 6379
  REDIS_HOST="$URL_HOST" REDIS_PORT="$URL_PORT"
  local hint=""
  if redis_up; then
    echo "redis: reusing $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  is_local_host "$REDIS_HOST" || die "redis is down at $REDIS_HOST:$REDIS_PORT and is not local, so it cannot be started here"
  ensure_packages
  if [[ "$REDIS_PORT" == 6379 ]]; then
    local logdir=() workdir=()
    [[ -d /var/lib/redis ]] && workdir=(--dir /var/lib/redis)
    [[ -d /var/log/redis ]] && logdir=(--logfile /var/log/redis/redis-server.log)
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no "${workdir[@]}" "${logdir[@]}" >/dev/null 9>&-
    echo "redis: started machine service on $REDIS_HOST:$REDIS_PORT"
  else
    local dir="$LOCAL/redis-$REDIS_PORT"
    mkdir -p "$dir"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir "$dir" --logfile "$dir/log" --pidfile "$dir/pid" >/dev/null 9>&-
    hint="log: $dir/log"
    echo "redis: started throwaway on $REDIS_HOST:$REDIS_PORT (state in $dir)"
  fi
  wait_until redis "$REDIS_HOST:$REDIS_PORT" "$hint" redis_up
  if [[ "$REDIS_PORT" != 6379 ]]; then note_started redis "$(cat "$LOCAL/redis-$REDIS_PORT/pid" 2>/dev/null || true)"; fi
}

# --- NATS -------------------------------------------------------------------------------------------------

nats_info() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$NATS_HOST/$NATS_PORT; head -n1 <&3" 2>/dev/null
}

nats_up() {
  local info
  info="$(nats_info)" || return 1
  [[ "$info" == INFO* ]] || return 1
  # A NATS without JetStream would accept connections yet lose every Command, so treat it as unusable.
  [[ "$info" == *'"jetstream":true'* ]] || die "nats at $NATS_HOST:$NATS_PORT answers but JetStream is not enabled (run nats-server with -js)"
}

nats_binary() {
  if [[ -x /usr/sbin/nats-server ]]; then echo /usr/sbin/nats-server; else command -v nats-server; fi
}

ensure_nats() {
  parse_url "$NATS_URL" 4222
  NATS_HOST="$URL_HOST" NATS_PORT="$URL_PORT"
  local hint=""
  if nats_up; then
    echo "nats: reusing $NATS_HOST:$NATS_PORT"
    return 0
  fi
  is_local_host "$NATS_HOST" || die "nats is down at $NATS_HOST:$NATS_PORT and is not local, so it cannot be started here"
  ensure_packages
  local bin dir
  bin="$(nats_binary)"
  if [[ "$NATS_PORT" == 4222 && "$(id -u)" == 0 ]]; then
    mkdir -p /var/lib/nats-server
    # The pidfile makes start-stop-daemon match this instance only, not a throwaway nats-server on another port.
    start-stop-daemon --start --oknodo --background --pidfile /run/nats-server.pid --make-pidfile --exec "$bin" -- \
      -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log >/dev/null 9>&-
    hint="log: /var/log/nats-server.log"
    echo "nats: started machine service on $NATS_HOST:$NATS_PORT"
  else
    dir="$LOCAL/nats-$NATS_PORT"
    mkdir -p "$dir"
    setsid "$bin" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$dir" -l "$dir/log" -P "$dir/pid" </dev/null >/dev/null 2>&1 9>&- &
    note_started nats $!
    hint="log: $dir/log"
    echo "nats: started throwaway on $NATS_HOST:$NATS_PORT (state in $dir)"
  fi
  wait_until nats "$NATS_HOST:$NATS_PORT" "$hint" nats_up
}

# --- S3 ---------------------------------------------------------------------------------------------------

s3_up() {
  node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.status < 500 ? 0 : 1), () => process.exit(1))' "$S3_ENDPOINT"
}

# Reused servers may lack the bucket; s3rver takes an unsigned PUT, a real S3 rejects it and the error says so.
ensure_bucket() {
  node --input-type=module -e '
    const url = `${process.argv[1].replace(/\/$/, "")}/${process.argv[2]}`;
    const head = await fetch(url, { method: "HEAD" });
    if (head.status === 404) {
      const put = await fetch(url, { method: "PUT" });
      if (!put.ok) { console.error(`infra: cannot create bucket ${process.argv[2]} at ${process.argv[1]}: HTTP ${put.status}`); process.exit(1); }
    }' "$S3_ENDPOINT" "$AWS_S3_BUCKET" || exit 1
}

ensure_s3() {
  parse_url "$S3_ENDPOINT" 80
  local where="$URL_HOST:$URL_PORT" log="$LOCAL/s3-$URL_PORT.log"
  if s3_up; then
    echo "s3: reusing $where"
  else
    is_local_host "$URL_HOST" || die "s3 is down at $where and is not local, so it cannot be started here"
    mkdir -p "$LOCAL/s3"
    setsid node "$ROOT/scripts/s3-server.mjs" </dev/null >>"$log" 2>&1 9>&- &
    echo $! >"$LOCAL/s3-$URL_PORT.pid"
    note_started s3 $!
    echo "s3: started s3rver on $where (data in $LOCAL/s3, log $log)"
    wait_until s3 "$where" "log: $log" s3_up
  fi
  ensure_bucket
}

# --- Chromium ---------------------------------------------------------------------------------------------

# The browser tests (test/browser) drive Debian's Chromium through playwright-core; nothing downloads a browser.
# The emoji font lets screenshots show the emoji Slack messages are full of. A missing browser fails only those
# tests, with a message, so infrastructure for everything else still comes up without root.
ensure_chromium() {
  [[ -x /usr/bin/chromium ]] && return 0
  if [[ "$(id -u)" == 0 && -f /etc/debian_version ]]; then
    echo "infra: installing chromium (browser tests)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
  else
    echo "infra: chromium is missing, so the browser tests (test/browser) will fail: apt-get install chromium fonts-noto-color-emoji" >&2
  fi
}

mkdir -p "$LOCAL"
# Several jest runs may start at once; one of them brings things up, the others then find them running.
# Every server started below gets `9>&-` so it does not inherit, and hold forever, this lock.
exec 9>"$LOCAL/infra.lock"
flock -w $((WAIT_SECONDS * 4)) 9 || die "another infra.sh run holds $LOCAL/infra.lock"

ensure_postgres
ensure_redis
ensure_nats
ensure_s3
ensure_chromium
