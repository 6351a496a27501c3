#!/usr/bin/env bash
# The practice outcomes report read from a SQLite record of 10,000 and 100,000 patients
# (docs/outcomes.md, bench/RESULTS.md): seeds each database once with build/bench/outcomes_seed
# (the synthetic practice of the tests), then runs build/bench/outcomes_store_bench on it (store
# read alone, the whole report, the engine on generated rows, peak RSS; it also checks that the
# report from the record equals the generator's), and times `dermaplan outcomes` end to end with
# its peak RSS (/usr/bin/time). Pinned to one core with taskset.
# Usage: bench/outcomes_store_bench.sh [WORKDIR]   (default /tmp/dermaplan-outcomes-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
work=${1:-/tmp/dermaplan-outcomes-bench}
mkdir -p "$work"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for n in 10000 100000; do
  db="$work/practice-$n.db"
  [ -f "$db" ] || "$build/bench/outcomes_seed" "$db" "$n"
  echo "database: $(du -h "$db" | cut -f1) for $n patients"
  taskset -c 0 "$build/bench/outcomes_store_bench" "$db" "$n" 3
  /usr/bin/time -f "  dermaplan outcomes --format json: %e s wall, %M KiB peak RSS" \
    taskset -c 0 "$build/src/cli/dermaplan" outcomes --db "$db" --by indication,device --date 2026-10-04 --format json > /dev/null
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
