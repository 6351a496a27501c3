#!/usr/bin/env bash
# Load test of `dermaplan serve` on loopback, next to nginx serving static files of the same
# sizes (the ceiling), in the same run on the same machine. Not part of ctest.
#
#   bench/server_load.sh [BUILD_DIR]     (default: build-srv; needs wrk, nginx, curl, python3)
#   BACKEND=postgresql bench/server_load.sh build   (a throw-away cluster, scripts/pg-test-cluster.sh)
#   LABEL="after" DURATION=5s ...        (LABEL names the row set in bench/RESULTS.md)
#   ONLY="plan-uncached create" ...      (only these measurements, e.g. to profile the server
#                                         under one load; printed, not recorded)
#
# Fills the database with `dermaplan demo-data --patients 200`, starts the server and an nginx
# (non-daemon child, own temp prefix and config, 127.0.0.1 only), runs `wrk -t2 -c64 --latency`
# on GET /api/health, one patient's record, the patient list, POST /api/plan (cached, and every
# request different), POST /api/patients and POST /api/simulate (a 1 cm^2 pen patch, every
# request a different seed), then the record and the list again with the server's memory of
# pages off (--page-cache-ms 0), each beside nginx serving a file of the response's size; prints
# req/s and p99, records them in bench/RESULTS.md under "## Server (BACKEND, LABEL)", and stops
# everything it started (trap EXIT).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build-srv}"
BIN="$BUILD/src/cli/dermaplan"
DURATION="${DURATION:-5s}"
CONNECTIONS="${CONNECTIONS:-64}"
BACKEND="${BACKEND:-sqlite}"
LABEL="${LABEL:-current}"
for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "server_load.sh: $tool is needed" >&2; exit 2; }
done
[[ -x "$BIN" ]] || { echo "server_load.sh: build $BIN first (cmake --build $BUILD --target dermaplan)" >&2; exit 2; }

TMP="$(mktemp -d /tmp/dermaplan-load.XXXXXX)"
chmod 755 "$TMP"  # nginx workers (not root) must read the static files
SERVER_PID=""
NGINX_PID=""
PG_STATE=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  [[ -n "$PG_STATE" ]] && "$ROOT/scripts/pg-test-cluster.sh" stop "$PG_STATE" >/dev/null 2>&1 || true
  [[ -n "${KEEP_TMP:-}" ]] || rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

case "$BACKEND" in
  sqlite) DB="$TMP/load.db" ;;
  postgresql)
    PG_STATE="$TMP/pg.state"
    DB="$("$ROOT/scripts/pg-test-cluster.sh" start "$PG_STATE" "$TMP/pg.url" | tail -1)"
    [[ "$DB" == postgresql://* ]] || { echo "server_load.sh: no PostgreSQL cluster: $DB" >&2; exit 2; } ;;
  *) echo "server_load.sh: BACKEND is sqlite or postgresql" >&2; exit 2 ;;
esac
"$BIN" demo-data --patients 200 --seed 1 --db "$DB" --photo-dir "$TMP/photos" >"$TMP/demo.log"

# ---- the server ---------------------------------------------------------------------------
"$BIN" user add bench --role admin --display-name Bench --db "$DB" --photo-dir "$TMP/photos" >"$TMP/user.log"
PASSWORD="$(grep -o 'Password for bench: [^ ]*' "$TMP/user.log" | cut -d' ' -f4)"
# wrk opens CONNECTIONS connections from one address: the per-address limit (16 by default, a
# guard against one client holding every thread) is raised to let them all in; otherwise the
# server closes the ones beyond it and wrk measures reconnects (its "read" socket errors).
# start_server [ARGS...]: (re)starts the server, sets SERVER_PID and API.
start_server() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
  "$BIN" serve --db "$DB" --photo-dir "$TMP/photos" --port 0 --bind 127.0.0.1 \
    --max-connections-per-address "$((CONNECTIONS + 8))" "$@" >"$TMP/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$TMP/serve.log" && break; sleep 0.1; done
  PORT="$(grep -o 'http://127.0.0.1:[0-9]*' "$TMP/serve.log" | head -1 | cut -d: -f3)"
  [[ -n "$PORT" && -n "$PASSWORD" ]] || { cat "$TMP/serve.log" >&2; exit 1; }
  API="http://127.0.0.1:$PORT"
}
start_server

LOGIN="$(curl -s -c "$TMP/cookies" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" "$API/api/login")"
CSRF="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["csrf_token"])' "$LOGIN")"
SESSION="$(awk '$6=="dermaplan_session"{print $7}' "$TMP/cookies")"
COOKIE="dermaplan_session=$SESSION"

# One demo patient's record with sessions (the list's first page is 50 of the 200).
curl -s -H "Cookie: $COOKIE" "$API/api/patients?limit=50" >"$TMP/patients.json"
RECORD_ID="$(python3 -c '
import json,sys
print(json.load(open(sys.argv[1]))["patients"][0]["id"])' "$TMP/patients.json")"
curl -s -H "Cookie: $COOKIE" "$API/api/patients/$RECORD_ID" >"$TMP/record.json"

PLAN_BODY="$(python3 -c '
import json,sys
intake=json.load(open(sys.argv[1]))
print(json.dumps({"intake":intake,"indication":"acne-scars","areas":["cheek"],"date":"2026-11-22"}))' \
  "$ROOT/examples/intake-acne-scars.json")"
curl -s -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d "$PLAN_BODY" \
  "$API/api/plan" >"$TMP/plan.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "sessions" in d, d' "$TMP/plan.json"
SIM_BODY='{"device":"dermapen-4","needle_length_mm":1.0,"region":"cheek","passes":4,"directions":["h","v"],"pressure":"medium","seed":1,"patch_mm":10}'
curl -s -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' -d "$SIM_BODY" \
  "$API/api/simulate" >"$TMP/simulate.json"
curl -s -H "Cookie: $COOKIE" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
  -d '{"name":"Size Probe","birth_date":"1980-01-01","sex":"female"}' "$API/api/patients" >"$TMP/create.json"
curl -s "$API/api/health" >"$TMP/health.json"
for f in record plan simulate create patients health; do
  [[ -s "$TMP/$f.json" ]] || { echo "server_load.sh: empty $f response" >&2; exit 1; }
done

# wrk scripts: the session cookie and CSRF header; the varying ones make every request unique
# per thread (the thread number and a counter go into the body).
common_lua() { printf 'wrk.headers["Content-Type"] = "application/json"\nwrk.headers["Cookie"] = "%s"\nwrk.headers["X-CSRF-Token"] = "%s"\n' "$COOKIE" "$CSRF"; }
{ common_lua; echo 'wrk.method = "POST"'; echo "wrk.body = [==[$PLAN_BODY]==]"; } >"$TMP/plan.lua"
{ common_lua; } >"$TMP/get.lua"
THREADS_LUA='local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
function init(args) n = 0 end'
{ common_lua; echo "$THREADS_LUA"; cat <<LUA; } >"$TMP/plan-uncached.lua"
local intake = [==[$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$ROOT/examples/intake-acne-scars.json")]==]
function request()
  n = n + 1
  local k = tid * 1000000 + n
  -- screening dates from 2026-10-01 to 2026-11-28: after the example intake's last dose
  -- (2026-09-30; an earlier date is refused 400) and not in the future
  local day = 1 + k % 28
  local month = 10 + math.floor(k / 28) % 2
  local start_day = 1 + math.floor(k / 336) % 28
  local body = string.format('{"intake":%s,"indication":"acne-scars","areas":["cheek"],"date":"2026-%02d-%02d","start":"2027-%02d-%02d"}',
                             intake, month, day, 1 + math.floor(k / 9408) % 12, start_day)
  return wrk.format("POST", "/api/plan", nil, body)
end
LUA
{ common_lua; echo "$THREADS_LUA"; cat <<'LUA'; } >"$TMP/create.lua"
function request()
  n = n + 1
  return wrk.format("POST", "/api/patients", nil,
    string.format('{"name":"Load %d-%d","birth_date":"1980-01-01","sex":"female"}', tid, n))
end
LUA
{ common_lua; echo "$THREADS_LUA"; cat <<'LUA'; } >"$TMP/simulate.lua"
function request()
  n = n + 1
  return wrk.format("POST", "/api/simulate", nil,
    string.format('{"device":"dermapen-4","needle_length_mm":1.0,"region":"cheek","passes":4,"directions":["h","v"],"pressure":"medium","seed":%d,"patch_mm":10}', tid * 1000000 + n))
end
LUA

# ---- nginx: static files of the same sizes ------------------------------------------------
NGINX_PORT="$(free_port)"
mkdir -p "$TMP/www" "$TMP/nginx/logs"
for f in record plan simulate create patients health; do
  head -c "$(stat -c %s "$TMP/$f.json")" /dev/zero | tr '\0' 'x' >"$TMP/www/$f.json"
done
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
for f in record.json plan.json simulate.json create.json patients.json health.json; do
  curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/$f" || { echo "server_load.sh: nginx does not serve $f" >&2; exit 1; }
done

# ---- wrk ----------------------------------------------------------------------------------
# run NAME URL [SCRIPT] -> "2xx req/s p99"
run() {
  local out
  if [[ -n "${3:-}" ]]; then
    out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$3" "$2")"
  else
    out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$2")"
  fi
  echo "$out" >"$TMP/$1.wrk"
  if grep -q "Non-2xx" <<<"$out"; then echo "server_load.sh: $1 had non-2xx responses:" >&2; echo "$out" >&2; fi
  # Answers with 2xx per second: wrk's Requests/sec counts refusals too (503 busy, 429).
  local rps p99
  rps="$(awk '/requests in/{n=$1; t=$4; sub(/s,?$/,"",t); if (t ~ /m$/) {sub(/m$/,"",t); t*=60}} /Non-2xx/{bad=$NF}
              END{printf "%.0f", (n-bad)/t}' <<<"$out")"
  p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
  echo "$rps $p99"
}

bytes() { stat -c %s "$TMP/$1.json"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
LOAD_BEFORE="$(cut -d' ' -f1 /proc/loadavg)"
echo "warming up..." >&2
wrk -t2 -c"$CONNECTIONS" -d2s -s "$TMP/get.lua" "$API/api/patients/$RECORD_ID" >/dev/null
ROWS=""
# measure NAME LABEL URL SCRIPT STATIC_FILE
measure() {
  local n_rps n_p99 rps p99
  if [[ -n "${ONLY:-}" && " $ONLY " != *" $1 "* ]]; then return; fi
  read -r n_rps n_p99 < <(run "nginx-$1" "http://127.0.0.1:$NGINX_PORT/$5.json")
  read -r rps p99 < <(run "$1" "$3" "$4")
  ROWS+="| $2 | $(bytes "$5") | $rps | $p99 | $n_rps | $n_p99 | $(ratio "$rps" "$n_rps") |
"
  echo "$2: $rps req/s, p99 $p99 (nginx $n_rps, $n_p99)" >&2
}
measure health "GET /api/health" "$API/api/health" "$TMP/get.lua" health
measure record "GET /api/patients/{id} (a demo record)" "$API/api/patients/$RECORD_ID" "$TMP/get.lua" record
measure list "GET /api/patients (50 of 200)" "$API/api/patients?limit=50" "$TMP/get.lua" patients
measure plan "POST /api/plan (cached)" "$API/api/plan" "$TMP/plan.lua" plan
measure plan-uncached "POST /api/plan (every request different)" "$API/api/plan" "$TMP/plan-uncached.lua" plan
measure create "POST /api/patients" "$API/api/patients" "$TMP/create.lua" create
measure simulate "POST /api/simulate (1 cm² pen patch, every seed different)" "$API/api/simulate" "$TMP/simulate.lua" simulate
# The same reads with nothing answered from memory (the session stays valid: it is in the database).
start_server --page-cache-ms 0
measure record-uncached "GET /api/patients/{id} (a demo record, memory off: --page-cache-ms 0)" "$API/api/patients/$RECORD_ID" "$TMP/get.lua" record
measure list-uncached "GET /api/patients (50 of 200, memory off)" "$API/api/patients?limit=50" "$TMP/get.lua" patients
LOAD_AFTER="$(cut -d' ' -f1 /proc/loadavg)"

MACHINE="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -sr), load average $LOAD_BEFORE before and $LOAD_AFTER after the run (1 min; other work on the machine inflates every figure)"
DATE="$(date -u +%Y-%m-%dT%H:%MZ)"
TABLE="| endpoint | body bytes | dermaplan req/s | p99 | nginx static req/s | nginx p99 | dermaplan / nginx |
|---|--:|--:|--:|--:|--:|--:|
$ROWS"
echo
echo "$TABLE"
echo "machine: $MACHINE; wrk -t2 -c$CONNECTIONS -d$DURATION --latency; backend $BACKEND; wrk, nginx and the server share the cores"
# (grep finds nothing when every answer was 2xx and no socket failed: not an error here)
NON2XX="$({ grep -l "Non-2xx" "$TMP"/*.wrk 2>/dev/null || true; } | xargs -r -n1 basename | tr '\n' ' ')"
ERRORS="$({ grep -h "Socket errors" "$TMP"/*.wrk 2>/dev/null || true; } | sort | uniq -c | tr '\n' ';')"

if [[ -n "${ONLY:-}" ]]; then echo "(ONLY set: not recorded in bench/RESULTS.md)"; exit 0; fi
# Record the figures under "## Server ($BACKEND, $LABEL)" in bench/RESULTS.md (replacing an
# earlier run's of the same backend and label).
SECTION="## Server ($BACKEND, $LABEL)

\`BACKEND=$BACKEND LABEL=$LABEL bench/server_load.sh\`, $DATE. Machine: $MACHINE. Loopback only;
\`wrk -t2 -c$CONNECTIONS -d$DURATION --latency\`; wrk, nginx (2 workers) and \`dermaplan serve\` share the cores. The
ceiling is nginx serving a static file of the response's size, in the same run. req/s counts 2xx answers only (the
server runs at most 2 simulations at once; up to 64 more wait their turn). The database holds 200 demo patients
(\`dermaplan demo-data\`). Responses other than 2xx in: ${NON2XX:-none}. Socket errors: ${ERRORS:-none}.

$TABLE"
python3 - "$ROOT/bench/RESULTS.md" "$SECTION" "## Server ($BACKEND, $LABEL)" <<'PY'
import re, sys, os
path, section, title = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read() if os.path.exists(path) else "# Benchmark results\n"
pattern = re.compile("^" + re.escape(title) + r"\n.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(text):
    text = pattern.sub(lambda m: section.rstrip("\n") + "\n\n", text)
else:
    text = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
open(path, "w").write(text)
PY
echo "recorded in bench/RESULTS.md"
