#!/bin/sh
# `dermaplan outcomes` over a record: the synthetic practice written into a SQLite file by
# outcomes_seed; JSON, text and CSV (read back with Python's csv), the PNG, the suppressed
# burn-scar cohort in every output, one audit row per report, and bad options refused with
# exit 2 naming the option.
# Usage: cli_outcomes.sh DERMAPLAN OUTCOMES_SEED SOURCE_DIR
set -eu
bin="$1"; seed="$2"; here="$3"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$seed" "$work/p.db" 300 > /dev/null
run() { "$bin" outcomes --db "$work/p.db" --date 2026-10-04 "$@"; }

run --by indication,needle-length --format json > "$work/r.json"
python3 - "$work/r.json" <<'PY' || fail "the JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
assert "not a trial" in r["notice"], r["notice"]
burns = [c for c in r["cohorts"] if c["key"]["indication"] == "burn-scars"]
assert burns and all(c["suppressed"] and "patients" not in c for c in burns), burns
assert any(l["flagged"] and l["category"] == "LOT-07" for l in r["adverse_events"]["by_lot"])
assert r["totals"]["courses"] == 300, r["totals"]
PY
run --by indication --format csv > "$work/r.csv"
python3 "$here/read_csv.py" "$work/r.csv" > "$work/rows.json" || fail "the CSV does not read back"
python3 - "$work/rows.json" <<'PY' || fail "the CSV rows"
import json, sys
rows = json.load(open(sys.argv[1]))
burns = [r for r in rows if "burn-scars" in r["cohort"]]
assert burns and all(r["suppressed"] == "true" and r["estimate"] == "" for r in burns), burns
PY
run --by indication --format text --plot "$work/chart.png" > "$work/r.txt"
grep -q "not a trial" "$work/r.txt" || fail "the text says observational, not a trial"
grep -q "too few" "$work/r.txt" || fail "the text withholds the small cohort"
[ "$(head -c 4 "$work/chart.png" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "the chart is a PNG"
reads=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(
  "SELECT count(*) FROM audit_log WHERE action = ? AND entity = ?", ("read", "outcomes_report")).fetchone()[0])' "$work/p.db")
[ "$reads" = 3 ] || fail "3 reports, $reads audit rows"

for bad in "--by colour:--by" "--min-cell 2:--min-cell" "--from 2026-02-30:--from" "--scale goodman:--scale" \
           "--indication acne:--indication" "--format xml:--format"; do
  args=${bad%%:*}; option=${bad##*:}
  set +e
  # shellcheck disable=SC2086
  err=$(run $args 2>&1 >/dev/null); code=$?
  set -e
  [ "$code" = 2 ] || fail "$args: exit $code, expected 2 ($err)"
  echo "$err" | grep -q -- "$option" || fail "$args: the message does not name $option: $err"
done
echo "ok: dermaplan outcomes"
