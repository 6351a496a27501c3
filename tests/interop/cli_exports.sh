#!/bin/sh
# The export and import commands end to end on the fixture database (interop_write_fixtures):
# FHIR bulk NDJSON and a patient Bundle (validated afterwards by the npm validators), CSV read
# back by Python, FHIR export -> import -> export, and the errors for bad options.
# Usage: cli_exports.sh DERMAPLAN_BINARY EXPORTS_DIR
set -eu
bin="$1"
dir="$2"
here="$(dirname "$0")"
db="$dir/practice.db"
out="$dir/cli"
rm -rf "$out"
mkdir -p "$out"

"$bin" export fhir --all --db "$db" --out "$out/bulk"
"$bin" export fhir --patient 1 --db "$db" --out "$out/patient-1.json"
"$bin" export csv --db "$db" --out "$out/csv"
python3 "$here/csv_readback.py" "$out/csv" "$dir/practice-expected.json"

echo "a password for the importer" | "$bin" user add importer --role practitioner --password-stdin --db "$out/imported.db"
# What dermaplan writes holds patient data: its owner's alone, whatever the umask.
(umask 022; "$bin" export csv --db "$db" --out "$out/csv-private")
for f in "$out/imported.db" "$out/csv-private" "$out/csv-private/patients.csv" "$out/patient-1.json"; do
  mode="$(stat -c %a "$f")"
  case "$mode" in 600|700) ;; *) echo "cli_exports: $f has mode $mode, not the owner's alone" >&2; exit 1 ;; esac
done
"$bin" import fhir "$out/patient-1.json" --user importer --db "$out/imported.db" | tee "$out/import.txt"
grep -q "not imported: .* Procedure" "$out/import.txt"
"$bin" export fhir --patient 1 --db "$out/imported.db" --out "$out/reexported.json"
python3 "$here/fhir_roundtrip.py" "$out/patient-1.json" "$out/reexported.json"

expect_exit_2() {
  set +e
  "$@" >"$out/err.txt" 2>&1
  code=$?
  set -e
  [ "$code" -eq 2 ] || { echo "exit $code, not 2: $*" >&2; cat "$out/err.txt" >&2; exit 1; }
  grep -q "$expect" "$out/err.txt" || { echo "no '$expect' in:" >&2; cat "$out/err.txt" >&2; exit 1; }
}
expect="no patient with id 999" expect_exit_2 "$bin" export fhir --patient 999 --db "$db"
expect="already holds an export" expect_exit_2 "$bin" export fhir --all --db "$db" --out "$out/bulk"
expect="give --out DIR" expect_exit_2 "$bin" export fhir --all --db "$db"
printf '{"resourceType":"Observation"}' >"$out/observation.json"
expect="'Observation' is not accepted" expect_exit_2 "$bin" import fhir "$out/observation.json" --user importer --db "$out/imported.db"
expect="no active user 'nobody'" expect_exit_2 "$bin" import fhir "$out/patient-1.json" --user nobody --db "$out/imported.db"
echo "cli exports: ok"
