#!/usr/bin/env bash
# Run the test suite against a throwaway PostgreSQL cluster: initdb in a temporary directory, server on a free
# loopback port, database `spaser`, pytest with DATABASE_URL, then the cluster is stopped and deleted whatever
# happened. Arguments go to pytest (`make test-pg` passes `-n 2`); the exit code is pytest's.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL introuvable dans $PG_BIN : installation du paquet Debian postgresql" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql \
        || { as_root apt-get update && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; }
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

# initdb refuses to run as root: the cluster then belongs to the `postgres` user.
if [ "$(id -u)" -eq 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

PG_DIR=$(mktemp -d -t spaser-pg.XXXXXX)
cleanup() {
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
trap cleanup EXIT
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR"; fi

PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
# Durability is useless for a cluster deleted at the end of the run.
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; exit 1; }
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres spaser

echo "$("$PG_BIN/postgres" --version) sur 127.0.0.1:$PORT"
status=0
DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/spaser" "$BIN/pytest" "$@" || status=$?
exit "$status"
