#!/usr/bin/env bash
# Installs every Debian package dermaplan needs to build, test and run.
# Idempotent: packages already present are skipped; runs apt-get update only when needed.
set -euo pipefail

# fonts-wqy-microhei: CJK glyphs for the PDF documents (DejaVu covers Latin, Greek, Cyrillic,
# Arabic and Hebrew). librsvg2-dev: consent signatures (SVG) drawn into the consent PDF.
BUILD_PACKAGES=(
  build-essential cmake pkg-config git
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev
  libhowardhinnant-date-dev tzdata libtbb-dev
  libcairo2-dev libpango1.0-dev librsvg2-dev fonts-dejavu-core fonts-wqy-microhei
  libsoci-dev libsqlite3-dev libpq-dev sqlite3
  libsodium-dev libcpp-httplib-dev libical-dev libboost-dev
)
# Only the test suite needs these: a throw-away PostgreSQL, fuzzing, load and browser tests,
# the third-party checkers of the PDF documents, and Python's csv module reading CSV exports.
# postgresql-contrib: pg_trgm (the name-search index, migration 8); on Debian 12 it is part of
# postgresql-15 and the package only makes sure of it.
TEST_PACKAGES=(postgresql postgresql-contrib clang libclang-rt-14-dev wrk nginx-light chromium iproute2 poppler-utils qpdf python3)

want=("${BUILD_PACKAGES[@]}")
# Usage: scripts/setup.sh [--with-web | --with-test-tools]
case "${1:-}" in
  --with-test-tools) want+=("${TEST_PACKAGES[@]}") ;;
  --with-web | "") ;;
  *) echo "setup: unknown option '$1'; accepted: --with-web, --with-test-tools" >&2; exit 2 ;;
esac
# Node.js with npm builds the web front end; take Debian's only when no npm is on the PATH
# (Debian's npm conflicts with a nodejs that bundles npm).
if [[ -n "${1:-}" ]] && ! command -v npm >/dev/null; then want+=(nodejs npm); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup: all ${#want[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
