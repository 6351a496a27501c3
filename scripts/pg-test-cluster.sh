#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL cluster for the test suite.
#
#   scripts/pg-test-cluster.sh start STATE_FILE [URL_FILE]
#       initdb in a fresh temp dir, listen on 127.0.0.1 only, on a free port, with the unix
#       socket inside the temp dir; create database dermaplan_test; print the URL
#       (postgresql://dermaplan@127.0.0.1:PORT/dermaplan_test) and write it to URL_FILE.
#       When no PostgreSQL server is installed, it says so, writes an empty URL_FILE and exits 0,
#       so the PostgreSQL tests skip with that reason instead of failing.
#   scripts/pg-test-cluster.sh stop STATE_FILE [URL_FILE]
#       stops the cluster recorded in STATE_FILE and removes its temp dir. Safe to call twice
#       and when start never ran.
#
# Run as root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
# The cluster trusts local connections: it listens on loopback only and lives for one test run.
# fsync is off: the cluster is thrown away, and no test kills the PostgreSQL server itself.
set -euo pipefail

PG_BIN_DIR="${PG_BIN_DIR:-}"
if [[ -z "$PG_BIN_DIR" ]]; then
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" ]] && PG_BIN_DIR="$d"
  done
fi

usage() { echo "usage: $0 start|stop STATE_FILE [URL_FILE]" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
action="$1"
state_file="$2"
url_file="${3:-}"

as_owner() {
  # Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop_cluster() {
  [[ -f "$state_file" ]] || { [[ -n "$url_file" ]] && rm -f "$url_file"; echo "pg-test-cluster: nothing to stop"; return 0; }
  local dir
  dir="$(cat "$state_file")"
  if [[ -n "$dir" && -d "$dir/data" ]]; then
    as_owner "$PG_BIN_DIR/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    # If pg_ctl could not stop it (e.g. binaries gone), kill the postmaster by its recorded pid.
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      local pid
      pid="$(head -1 "$dir/data/postmaster.pid")"
      [[ "$pid" =~ ^[0-9]+$ ]] && kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  # Only ever remove a directory this script made.
  if [[ "$dir" == "${TMPDIR:-/tmp}"/dermaplan-pg.* && -d "$dir" ]]; then
    rm -rf -- "$dir"
  fi
  rm -f -- "$state_file"
  [[ -n "$url_file" ]] && rm -f -- "$url_file"
  echo "pg-test-cluster: stopped"
}

free_port() {
  local used port
  used="$(ss -Htan 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)"
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 40000 ))
    grep -qx "$port" <<<"$used" || { echo "$port"; return 0; }
  done
  return 1
}

start_cluster() {
  if [[ -z "$PG_BIN_DIR" ]]; then
    echo "pg-test-cluster: no PostgreSQL server installed (install package postgresql);" \
         "PostgreSQL tests will be skipped" >&2
    [[ -n "$url_file" ]] && : >"$url_file"
    return 0
  fi
  # A stale cluster from an interrupted run is stopped first.
  stop_cluster >/dev/null
  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/dermaplan-pg.XXXXXX")"
  echo "$dir" >"$state_file"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  chmod 700 "$dir"
  as_owner "$PG_BIN_DIR/initdb" -D "$dir/data" -U dermaplan --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; stop_cluster >/dev/null; exit 1; }
  local port started=0
  for _ in 1 2 3 4 5; do
    port="$(free_port)"
    if as_owner "$PG_BIN_DIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
         -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=100" \
         start >/dev/null 2>&1; then
      started=1
      break
    fi
  done
  if [[ $started -ne 1 ]]; then
    cat "$dir/server.log" >&2 || true
    stop_cluster >/dev/null
    echo "pg-test-cluster: could not start PostgreSQL" >&2
    exit 1
  fi
  as_owner "$PG_BIN_DIR/createdb" -h 127.0.0.1 -p "$port" -U dermaplan dermaplan_test
  local url="postgresql://dermaplan@127.0.0.1:$port/dermaplan_test"
  [[ -n "$url_file" ]] && echo "$url" >"$url_file"
  echo "$url"
}

case "$action" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  *) usage ;;
esac
