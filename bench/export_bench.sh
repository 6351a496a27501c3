#!/usr/bin/env bash
# Times `dermaplan export fhir --all` (bulk NDJSON) and `dermaplan export csv` on seeded SQLite
# practices of 1,000 and 10,000 patients: records per second and peak memory (it streams, so
# memory should not grow with the practice). The databases live in /dev/shm when it exists.
# Usage: bench/export_bench.sh [build dir]   (builds interop_seed and dermaplan first)
set -euo pipefail
build="${1:-build}"
cmake --build "$build" --target interop_seed dermaplan >/dev/null
work="$(mktemp -d "${TMPDIR:-$([ -d /dev/shm ] && echo /dev/shm || echo /tmp)}/dermaplan-export-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1 /proc/loadavg)"
for n in 1000 10000; do
  db="$work/practice-$n.db"
  "$build/bench/interop_seed" "$db" "$n"
  for kind in fhir csv; do
    out="$work/out-$kind-$n"
    if [[ $kind == fhir ]]; then args=(export fhir --all --db "$db" --out "$out"); else args=(export csv --db "$db" --out "$out"); fi
    /usr/bin/time -f "%e %M" -o "$work/time" "$build/src/cli/dermaplan" "${args[@]}" >"$work/stdout"
    read -r seconds peak_kb <"$work/time"
    if [[ $kind == fhir ]]; then
      records=$(sed -E 's/^Exported [0-9]+ patients, ([0-9]+) resources.*/\1/' "$work/stdout")
      unit="resources"
    else
      records=$(sed -E 's/^Exported [0-9]+ tables, ([0-9]+) rows.*/\1/' "$work/stdout")
      unit="rows"
    fi
    bytes=$(du -sb "$out" | cut -f1)
    awk -v n="$n" -v k="$kind" -v r="$records" -v u="$unit" -v s="$seconds" -v m="$peak_kb" -v b="$bytes" 'BEGIN {
      printf "%-4s %6d patients: %7d %s in %6.2f s = %8.0f %s/s, %7.0f patients/s, peak RSS %6.1f MiB, output %6.1f MiB\n",
             k, n, r, u, s, r / s, u, n / s, m / 1024, b / 1048576 }'
  done
done
