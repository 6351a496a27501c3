#!/usr/bin/env bash
# Configures and builds dermaplan into ./build (release with debug info).
# Usage: scripts/build.sh [TARGET...]   (default: everything, tests and benchmarks included)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
if (($# > 0)); then
  for target in "$@"; do cmake --build build -j"$jobs" --target "$target"; done
else
  cmake --build build -j"$jobs"
fi
