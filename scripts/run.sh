#!/usr/bin/env bash
# The main job: installs what dermaplan needs, builds it, and runs it on the bundled
# knowledge base. With arguments, runs `dermaplan ARGS...` instead of the demonstration.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh >/dev/null
bin=build/src/cli/dermaplan
if (($# > 0)); then exec "$bin" "$@"; fi

echo "== dermaplan kb check"
"$bin" kb check
echo
echo "== dermaplan screen --intake examples/intake-acne-scars.json --area cheek"
"$bin" screen --intake examples/intake-acne-scars.json --area cheek
echo
echo "== dermaplan plan --intake examples/intake-acne-scars.json --indication acne-scars --area cheek --area forehead"
"$bin" plan --intake examples/intake-acne-scars.json --indication acne-scars --area cheek --area forehead
