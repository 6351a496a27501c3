#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (coverage + AddressSanitizer + UBSan) in build-fuzz/
# and runs each for a bounded time on its seed corpus. Exit 0 only if no fuzzer found a crash.
# Usage: fuzz/run-smoke.sh [seconds per target, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (scripts/setup.sh --with-test-tools installs it)"; exit 1; }
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -g -O1"
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="$flags" \
  -DDERMAPLAN_FUZZ=ON -DDERMAPLAN_TESTS=OFF -DDERMAPLAN_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_intake fuzz_knowledge fuzz_api >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/intake" "$work/knowledge" "$work/api" "$work/artifacts"
cp fuzz/corpus/intake/* tests/cases/base-intake.json examples/*.json "$work/intake/"
cp tests/cases/kb/minimal/body.yaml "$work/knowledge/"
for f in tests/cases/kb/errors/*/body.yaml; do cp "$f" "$work/knowledge/$(basename "$(dirname "$f")").yaml"; done
# fuzz_api: byte 0 picks the route, then "{params}?query", a newline and the body. Inputs that
# once found a bug are kept in fuzz/corpus/api and replayed first.
cp fuzz/corpus/api/* "$work/api/"
for i in $(seq 0 63); do
  byte=$(printf '\\x%02x' "$i")
  printf "${byte}1?limit=5&q=a\n{}" >"$work/api/empty-$i"
  { printf "${byte}1\n"; cat examples/plan-request.json; } >"$work/api/plan-$i"
  { printf "${byte}1\n{\"intake\":"; cat examples/intake-acne-scars.json; printf ',"date":"2026-11-22","areas":["cheek"]}'; } >"$work/api/intake-$i"
done

# fontconfig keeps its caches for the process's life: not ours to free (fuzz/lsan.supp).
export LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for target in intake knowledge api; do
  echo "fuzz_$target: ${seconds}s"
  # A fixed seed keeps the CI run repeatable; FUZZ_SEED=0 lets libFuzzer pick one (longer hunts).
  if ! build-fuzz/fuzz/fuzz_$target "$work/$target" -max_total_time="$seconds" -max_len=65536 -seed="${FUZZ_SEED:-1}" \
       -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
       > "$work/$target.log" 2>&1; then
    status=1
    tail -n 40 "$work/$target.log"
    mkdir -p build-fuzz/crashes && cp "$work"/artifacts/* build-fuzz/crashes/ 2>/dev/null || true
    echo "fuzz_$target FOUND A PROBLEM; reproducer saved in build-fuzz/crashes/"
  else
    grep -E "stat::number_of_executed_units|Done" "$work/$target.log" | tail -n 2
  fi
done
exit $status
