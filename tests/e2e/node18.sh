#!/bin/sh
# The web interface builds and passes its unit tests on Debian 12's own Node.js 18, the node a
# fresh Debian 12 gets from apt: type check, `vite build` (into WORK/dist, not web/dist) and
# `vitest run`, with web/node_modules as `npm ci` installed it.
#
# Usage: node18.sh WEB_DIR WORK_DIR
# When the node on the PATH is 18, it is used. Otherwise Debian's nodejs 18 and the packages
# whose files its libnode loads from /usr/share/nodejs are fetched with `apt-get download` and
# unpacked with `dpkg-deb -x` into WORK_DIR/node18 (kept for the next run); nothing is installed.
# That node runs with LD_LIBRARY_PATH on the unpacked libraries, in a private mount namespace
# where a read-only overlay adds the unpacked /usr/share/nodejs to /usr/share.
# Exits 77 (skipped) when neither is possible here, saying why.
set -eu
web=$(cd "$1" && pwd)
work=$(mkdir -p "$2" && cd "$2" && pwd)

major() { "$@" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

run_checks() { # the node command as arguments, e.g. run_checks node
  echo "node18: $("$@" --version)"
  cd "$web"
  "$@" node_modules/typescript/bin/tsc --noEmit
  "$@" node_modules/vite/bin/vite.js build --logLevel warn --outDir "$work/dist" --emptyOutDir
  test -s "$work/dist/index.html"
  "$@" node_modules/vitest/vitest.mjs run
  # playwright-core drives Debian's Chromium (the end-to-end tests' browser) from this node.
  "$@" -e '
    const { chromium } = require("playwright-core");
    const bin = process.env.CHROMIUM || "/usr/bin/chromium";
    if (!require("fs").existsSync(bin)) { console.log("node18: playwright-core loads (no chromium to launch)"); process.exit(0); }
    (async () => {
      const browser = await chromium.launch({ executablePath: bin, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
      const page = await browser.newPage();
      await page.setContent("<p id=x>node 18</p>");
      const text = await page.textContent("#x");
      await browser.close();
      if (text !== "node 18") throw new Error("playwright-core read " + JSON.stringify(text));
      console.log("node18: playwright-core drives chromium " + browser.version());
    })().catch((e) => { console.error(e); process.exit(1); });'
}

if command -v node >/dev/null && [ "$(major node)" = 18 ]; then
  run_checks node
  exit 0
fi

root="$work/node18/root"
if [ ! -x "$root/usr/bin/node" ]; then
  command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
    { echo "node18: skipped: no node 18 on the PATH and no apt-get/dpkg-deb to fetch Debian's"; exit 77; }
  version=$(apt-cache madison nodejs 2>/dev/null | awk -F'|' '$2 ~ /^ *18\./ { gsub(/ /, "", $2); print $2; exit }')
  [ -n "$version" ] ||
    { echo "node18: skipped: apt knows no nodejs 18 (run apt-get update on Debian 12)"; exit 77; }
  debs="$work/node18/debs"
  rm -rf "$debs" "$root"
  mkdir -p "$debs" "$root"
  # libnode loads acorn, cjs-module-lexer and undici from /usr/share/nodejs; the shared
  # libraries it links (libuv, c-ares, ICU, ...) are fetched only where missing.
  packages="nodejs=$version libnode108=$version node-acorn node-cjs-module-lexer node-undici"
  for p in libuv1 libc-ares2 libicu72 libnghttp2-14 libbrotli1; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || packages="$packages $p"
  done
  # shellcheck disable=SC2086
  (cd "$debs" && apt-get download -q $packages >"$work/node18/download.log" 2>&1) ||
    { cat "$work/node18/download.log"; echo "node18: skipped: apt-get download $packages failed"; exit 77; }
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$root"; done
  rm -rf "$debs"
fi

libdir="$root/usr/lib/$(uname -m)-linux-gnu"
if ! unshare --mount --propagation private true 2>/dev/null; then
  echo "node18: skipped: cannot create a private mount namespace here (needs root)"
  exit 77
fi
# Re-enter this script inside the namespace with the overlay mounted; NODE18 names the binary.
if [ -z "${NODE18_IN_NAMESPACE:-}" ]; then
  exec env NODE18_IN_NAMESPACE=1 unshare --mount --propagation private sh -c '
    mount -t overlay node18-share -o "lowerdir=$1:/usr/share" /usr/share && shift && exec sh "$@"' \
    sh "$root/usr/share" "$0" "$web" "$work"
fi
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
[ "$(major "$root/usr/bin/node")" = 18 ] || { echo "node18: the unpacked node is not 18: $("$root/usr/bin/node" --version)" >&2; exit 1; }
run_checks "$root/usr/bin/node"
