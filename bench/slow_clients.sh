#!/usr/bin/env bash
# Slow-client attack on `dermaplan serve` on loopback: N connections that each send a request
# header one line at a time, a line every few seconds, and a fresh GET /api/health timed
# while they trickle. Two shapes: all from one address (the per-address limit answers it) and
# spread over many loopback addresses (the whole-request deadline answers it). Not in ctest
# (tests/server/hardening_test.cpp has the short version).
#
#   bench/slow_clients.sh [BUILD_DIR]     (default: build; needs python3, curl)
#   N=100 EVERY=4 DURATION=40 THREADS=96 bench/slow_clients.sh
#
# Prints the fresh request's latency at 1 s intervals and the worst, per shape. Stops everything
# it started (trap EXIT); every loop is bounded in time.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
BIN="$BUILD/src/cli/dermaplan"
N="${N:-100}"
EVERY="${EVERY:-4}"
DURATION="${DURATION:-50}"
THREADS="${THREADS:-96}"
[[ -x "$BIN" ]] || { echo "slow_clients.sh: build $BIN first" >&2; exit 2; }

TMP="$(mktemp -d /tmp/dermaplan-slow.XXXXXX)"
SERVER_PID=""
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

"$BIN" serve --db "$TMP/slow.db" --port 0 --bind 127.0.0.1 --threads "$THREADS" ${SERVE_ARGS:-} >"$TMP/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "listening on" "$TMP/serve.log" && break; sleep 0.1; done
PORT="$(grep -o 'http://127.0.0.1:[0-9]*' "$TMP/serve.log" | head -1 | cut -d: -f3)"
[[ -n "$PORT" ]] || { cat "$TMP/serve.log" >&2; exit 1; }

echo "# slow clients: N=$N connections, one header line every ${EVERY}s, ${DURATION}s, --threads $THREADS"
echo "# machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for shape in one-address many-addresses; do
  python3 - "$PORT" "$N" "$EVERY" "$DURATION" "$shape" <<'PY'
import socket, sys, threading, time, http.client
port, n, every, duration, shape = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
socks = []
for i in range(n):
    src = "127.0.0.2" if shape == "one-address" else "127.0.%d.%d" % (1 + i // 200, 2 + i % 200)
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        socks.append(s)
    except OSError:
        s.close()
stop = time.time() + duration
def trickle():
    line = 0
    alive = list(socks)
    while time.time() < stop and alive:
        text = b"GET /api/health HTTP/1.1\r\nHost: x\r\n" if line == 0 else b"X-Slow-%d: 1\r\n" % line
        still = []
        for s in alive:
            try:
                s.send(text); still.append(s)
            except OSError:
                pass
        alive = still
        line += 1
        time.sleep(every)
    trickle.alive_at_end = len(alive)
t = threading.Thread(target=trickle); t.start()
time.sleep(0.5)
worst, samples = 0.0, []
while time.time() < stop - 1:
    start = time.time()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        c.request("GET", "/api/health"); ok = c.getresponse().status == 200; c.close()
    except OSError:
        ok = False
    took = time.time() - start
    samples.append(took if ok else float("inf"))
    worst = max(worst, took if ok else float("inf"))
    time.sleep(max(0, 1 - took))
t.join()
for s in socks: s.close()
samples.sort()
print("%-15s fresh GET /api/health: %d samples, median %.3f s, worst %s; trickling connections still open at the end: %d of %d"
      % (shape, len(samples), samples[len(samples)//2] if samples else float("nan"),
         "%.3f s" % worst if worst != float("inf") else "no answer", trickle.alive_at_end, len(socks)))
PY
done
