#!/usr/bin/env bash
# The whole test suite: installs what the tests need, builds, and runs every test with CTest
# (unit and data-driven tests, both storage backends, fuzz smoke runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-test-tools
scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 600
