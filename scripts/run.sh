#!/usr/bin/env bash
# The main job: installs what dermaplan needs, builds it and its web interface, and starts the
# server on the embedded defaults (the bundled knowledge base, the SQLite file var/dermaplan.db).
# On the first start it creates an admin account and prints its password once.
# With arguments, runs `dermaplan ARGS...` instead (e.g. scripts/run.sh kb check).
# Environment: DERMAPLAN_PORT (default 8080), DERMAPLAN_DB (default var/dermaplan.db),
# DERMAPLAN_PRACTICE (the practice's settings YAML for handouts: name, phone, warning signs;
# see examples/practice.yaml; default var/practice.yaml when it exists).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-web
scripts/build.sh dermaplan >/dev/null
bin=build/src/cli/dermaplan
if (($# > 0)); then exec "$bin" "$@"; fi

# The web interface (Node.js 18 or newer: Debian 12's own builds it); without it the server
# offers the API only.
if command -v node >/dev/null && node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)'; then
  sh tests/e2e/setup-web.sh web >/dev/null
else
  echo "run: Node.js 18 or newer not found; serving the API without the web interface" >&2
fi

"$bin" kb check
mkdir -p var
port=${DERMAPLAN_PORT:-8080}
echo "Open http://127.0.0.1:$port/ in a browser. Stop the server with Ctrl-C."
practice=()
settings=${DERMAPLAN_PRACTICE:-var/practice.yaml}
if [[ -f "$settings" ]]; then practice=(--practice "$settings"); fi
exec "$bin" serve --db "${DERMAPLAN_DB:-var/dermaplan.db}" --port "$port" --backup-dir var/backups "${practice[@]}"
