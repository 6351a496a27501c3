#!/bin/sh
# CTest fixture for the npm validators: installs node_modules from the committed lock file
# (npm ci, skipped when the lock file has not changed since the last install), as
# tests/e2e/setup-web.sh does for the web interface.
set -eu
dir="$1"
stamp="$dir/node_modules/.dermaplan-installed-lock"
if ! cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
  # A registry mirror that serves only this platform's optional packages yields a lock file
  # that `npm ci` calls out of sync; `npm install --no-save` then installs the same locked
  # versions without touching the lock.
  npm ci --prefix "$dir" --no-fund --no-audit ||
    npm install --prefix "$dir" --no-save --no-fund --no-audit
  cp "$dir/package-lock.json" "$stamp"
fi
