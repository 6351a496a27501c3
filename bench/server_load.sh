#!/usr/bin/env bash
# Load test of `dermaplan serve` on loopback, next to nginx serving static files of the same
# sizes (the ceiling), in the same run on the same machine. Not part of ctest.
#
#   bench/server_load.sh [BUILD_DIR]        (default: build-srv; needs wrk, nginx, curl)
#
# Starts the server on a temp SQLite file and an nginx (non-daemon child, own temp prefix and
# config, 127.0.0.1 only), runs `wrk -t2 -c64 -d10s --latency` on POST /api/plan (a Lua script
# sends the body, the session cookie and the CSRF header) and GET /api/patients, prints req/s
# and p99 beside the nginx figures, records them in bench/RESULTS.md under "## Server", and
# stops everything it started (trap EXIT).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-srv}"
BIN="$BUILD/src/cli/dermaplan"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "server_load.sh: $tool is needed" >&2; exit 2; }
done
[[ -x "$BIN" ]] || { echo "server_load.sh: build $BIN first (cmake --build $BUILD --target dermaplan)" >&2; exit 2; }

TMP="$(mktemp -d /tmp/dermaplan-load.XXXXXX)"
chmod 755 "$TMP"  # nginx workers (not root) must read the static files
SERVER_PID=""
NGINX_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  [[ -n "${KEEP_TMP:-}" ]] || rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# ---- the server ---------------------------------------------------------------------------
"$BIN" serve --db "$TMP/load.db" --port 0 --bind 127.0.0.1 >"$TMP/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$TMP/serve.log" && break; sleep 0.1; done
PORT="$(grep -o 'http://127.0.0.1:[0-9]*' "$TMP/serve.log" | head -1 | cut -d: -f3)"
PASSWORD="$(grep -o 'admin / [^ ]*' "$TMP/serve.log" | cut -d' ' -f3)"
[[ -n "$PORT" && -n "$PASSWORD" ]] || { cat "$TMP/serve.log" >&2; exit 1; }
API="http://127.0.0.1:$PORT"

LOGIN="$(curl -s -c "$TMP/cookies" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" "$API/api/login")"
CSRF="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrf_token"])' "$LOGIN")"
SESSION="$(awk '$6=="dermaplan_session"{print $7}' "$TMP/cookies")"
COOKIE="dermaplan_session=$SESSION"

# 200 patients, so the list is a real page of 50.
for i in $(seq 1 200); do
  curl -s -o /dev/null -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
    -d "{\"name\":\"Load Patient $i\",\"birth_date\":\"1980-01-01\",\"sex\":\"female\"}" "$API/api/patients"
done

PLAN_BODY="$(python3 -c '
import json,sys
intake=json.load(open(sys.argv[1]))
print(json.dumps({"intake":intake,"indication":"acne-scars","areas":["cheek"],"date":"2026-11-22"}))' \
  "$ROOT/examples/intake-acne-scars.json")"
curl -s -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d "$PLAN_BODY" \
  "$API/api/plan" >"$TMP/plan.json"
curl -s -H "Cookie: $COOKIE" "$API/api/patients" >"$TMP/patients.json"
PLAN_BYTES=$(stat -c %s "$TMP/plan.json")
LIST_BYTES=$(stat -c %s "$TMP/patients.json")
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "sessions" in d, d' "$TMP/plan.json"

cat >"$TMP/plan.lua" <<LUA
wrk.method = "POST"
wrk.body = [==[$PLAN_BODY]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "$COOKIE"
wrk.headers["X-CSRF-Token"] = "$CSRF"
LUA
cat >"$TMP/list.lua" <<LUA
wrk.headers["Cookie"] = "$COOKIE"
LUA

# ---- nginx: static files of the same sizes ------------------------------------------------
NGINX_PORT="$(free_port)"
mkdir -p "$TMP/www" "$TMP/nginx/logs"
head -c "$PLAN_BYTES" /dev/zero | tr '\0' 'x' >"$TMP/www/plan.json"
head -c "$LIST_BYTES" /dev/zero | tr '\0' 'x' >"$TMP/www/patients.json"
cat >"$TMP/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  keepalive_requests 100000;
  default_type application/json;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $TMP/www;
  }
}
CONF
nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/logs/error.log" &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/plan.json" && break; sleep 0.1; done
for f in plan.json patients.json; do
  curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/$f" || { echo "server_load.sh: nginx does not serve $f" >&2; exit 1; }
done

# ---- wrk ----------------------------------------------------------------------------------
# run NAME URL [SCRIPT] -> "req/s p99"
run() {
  local out
  if [[ -n "${3:-}" ]]; then
    out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$3" "$2")"
  else
    out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$2")"
  fi
  echo "$out" >"$TMP/$1.wrk"
  if grep -q "Non-2xx" <<<"$out"; then echo "server_load.sh: $1 had non-2xx responses:" >&2; echo "$out" >&2; fi
  local rps p99
  rps="$(awk '/Requests\/sec:/{printf "%.0f", $2}' <<<"$out")"
  p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
  echo "$rps $p99"
}

LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"
echo "warming up..." >&2
wrk -t2 -c"$CONNECTIONS" -d2s -s "$TMP/plan.lua" "$API/api/plan" >/dev/null
read -r NGX_PLAN_RPS NGX_PLAN_P99 < <(run nginx-plan "http://127.0.0.1:$NGINX_PORT/plan.json")
read -r PLAN_RPS PLAN_P99 < <(run plan "$API/api/plan" "$TMP/plan.lua")
read -r NGX_LIST_RPS NGX_LIST_P99 < <(run nginx-list "http://127.0.0.1:$NGINX_PORT/patients.json")
read -r LIST_RPS LIST_P99 < <(run list "$API/api/patients" "$TMP/list.lua")

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
MACHINE="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr), load average $LOAD_BEFORE before the run (1 min; other work on the machine inflates every figure)"
DATE="$(date -u +%Y-%m-%d)"
TABLE="| endpoint | body bytes | dermaplan req/s | p99 | nginx static req/s | nginx p99 | dermaplan / nginx |
|---|--:|--:|--:|--:|--:|--:|
| POST /api/plan | $PLAN_BYTES | $PLAN_RPS | $PLAN_P99 | $NGX_PLAN_RPS | $NGX_PLAN_P99 | $(ratio "$PLAN_RPS" "$NGX_PLAN_RPS") |
| GET /api/patients (50 of 200) | $LIST_BYTES | $LIST_RPS | $LIST_P99 | $NGX_LIST_RPS | $NGX_LIST_P99 | $(ratio "$LIST_RPS" "$NGX_LIST_RPS") |"
echo
echo "$TABLE"
echo
echo "machine: $MACHINE; wrk -t2 -c$CONNECTIONS -d$DURATION --latency; wrk, nginx and the server share the cores"

# Record the figures under "## Server" in bench/RESULTS.md (replacing an earlier run's).
SECTION="## Server

\`bench/server_load.sh\`, $DATE. Machine: $MACHINE. Loopback only; \`wrk -t2 -c$CONNECTIONS -d$DURATION --latency\`;
wrk, nginx (2 workers) and \`dermaplan serve\` (SQLite, WAL, synchronous=FULL) share the cores, so every figure is
lower than on a machine where the load generator runs elsewhere. The ceiling is nginx serving a static file of the
same size as the response, in the same run. Run-to-run noise on this VM is about ±30%.

$TABLE

POST /api/plan is answered from the response cache after the first request (the planning engine is a pure function of
the request, the date and the knowledge base, which is loaded once); each request still parses its headers, checks the
session (cached in memory) and the CSRF header. GET /api/patients serves the page from the server's page cache (kept
until a write under /api/patients through this server, at most 1 s) and appends one audit row per request, committed
durably before the response; the rows of concurrent requests share one commit (group commit in the store).

Against the goal (at least half the ceiling, p99 under 10 ms at 64 connections): see the closing note of issue 4 and
docs/operations.md for what bounds each figure. In short: the listen backlog of 5 that Debian's cpp-httplib compiles
in made clients that connect together retry after 1 s (that was the whole p99 tail of earlier runs; the server now
sets 1024); the remaining gap is the HTTP layer (a thread per connection: /api/health alone reaches about 0.7 of the
nginx figure on these cores) plus, for the patient list, the durable audit row of every read."
python3 - "$ROOT/bench/RESULTS.md" "$SECTION" <<'PY'
import re, sys, os
path, section = sys.argv[1], sys.argv[2]
text = open(path).read() if os.path.exists(path) else "# Benchmark results\n"
pattern = re.compile(r"^## Server\n.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(text):
    text = pattern.sub(section.rstrip("\n") + "\n\n", text)
else:
    text = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
open(path, "w").write(text)
PY
echo "recorded in bench/RESULTS.md"
