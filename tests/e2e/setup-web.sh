#!/bin/sh
# CTest fixture for the web tests: installs web/node_modules from the committed lock file
# (npm ci, skipped when the lock file has not changed since the last install) and builds
# web/dist, which `dermaplan serve --web` serves in the end-to-end tests.
set -eu
web="$1"
stamp="$web/node_modules/.dermaplan-installed-lock"
if ! cmp -s "$web/package-lock.json" "$stamp" 2>/dev/null; then
  # A registry mirror that serves only this platform's optional packages (rollup's and esbuild's
  # binaries for other systems answer 404) yields a lock file that `npm ci` calls out of sync;
  # `npm install --no-save` then installs the same locked versions without touching the lock.
  npm ci --prefix "$web" --no-fund --no-audit ||
    npm install --prefix "$web" --no-save --no-fund --no-audit
  cp "$web/package-lock.json" "$stamp"
fi
npm --prefix "$web" run build
