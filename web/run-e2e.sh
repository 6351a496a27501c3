#!/usr/bin/env bash
# Builds the web interface, runs the Vitest unit tests, then the end-to-end tests against a real
# `dermaplan serve` (DERMAPLAN_BIN, default build/src/cli/dermaplan) in headless Chromium, and
# prints one closing line: "N passed, N failed" (unit tests plus end-to-end steps).
# Set E2E_MOCK=1 to run the end-to-end tests against web/mock/server.mjs instead (development).
set -uo pipefail
cd "$(dirname "$0")"
export DERMAPLAN_BIN="${DERMAPLAN_BIN:-$(cd .. && pwd)/build/src/cli/dermaplan}"
sh ../tests/e2e/setup-web.sh . || { echo "0 passed, 1 failed"; exit 1; }

report=$(mktemp)
e2e_log=$(mktemp)
trap 'rm -f "$report" "$e2e_log"' EXIT
npx vitest run --reporter=default --reporter=json --outputFile="$report"
read -r unit_passed unit_failed < <(node -e '
  try { const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorCount || 0)); }
  catch { console.log(0, 1); }' "$report")

node ../tests/e2e/run.mjs | tee "$e2e_log"
read -r e2e_passed e2e_failed < <(sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$e2e_log")
e2e_passed=${e2e_passed:-0}
e2e_failed=${e2e_failed:-1}

echo "unit: $unit_passed passed, $unit_failed failed"
echo "$((unit_passed + e2e_passed)) passed, $((unit_failed + e2e_failed)) failed"
[[ $((unit_failed + e2e_failed)) -eq 0 ]]
