#!/usr/bin/env bash
# Regenerates the real example of docs/outcomes.md and the README's outcomes chart from a record:
# writes the synthetic practice of the outcomes tests (300 patients, seeded effects) into a
# fresh SQLite database with build/bench/outcomes_seed, then asks `dermaplan outcomes` for the
# report as JSON (docs/outcomes-example.json) and its chart (docs/img/outcomes-chart.png).
# tests/outcomes checks that the example still equals what the engine makes of that practice.
# Usage: scripts/outcomes-example.sh   (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bench/outcomes_seed" "$work/practice.db" 300
# The report date that suits the practice (tests/outcomes/synthetic_practice.h: first day + 1000).
args=(--db "$work/practice.db" --by indication,needle-length --date 2026-10-04)
"$build/src/cli/dermaplan" outcomes "${args[@]}" --format json > docs/outcomes-example.json
"$build/src/cli/dermaplan" outcomes "${args[@]}" --scale goodman-baron-qualitative --format text \
  --plot docs/img/outcomes-chart.png > /dev/null
# The shortened example in docs/outcomes.md, between its example markers.
python3 - <<'PY'
import json, re
report = json.load(open('docs/outcomes-example.json'))
short = dict(report)
short['definitions'] = report['definitions'][:1] + ['...']
short['comparisons'] = report['comparisons'][:1] + ['...']
cohorts = []
for c in report['cohorts']:
    if c['suppressed']:
        cohorts.append(c)
    elif not cohorts or cohorts[0]['suppressed']:
        c = dict(c)
        c['scales'] = [dict(s, follow_ups=[f for f in s['follow_ups'] if f['window']['from'] == 'first-session'
                                           and f['window']['week'] == 12]) for s in c['scales']]
        c['literature'] = c['literature'][:1]
        cohorts.insert(0, c)
short['cohorts'] = cohorts
ae = dict(report['adverse_events'])
ae['by_type'] = ae['by_type'][:1]
ae['by_severity'] = ae['by_severity'][:1]
ae['by_lot'] = [l for l in ae['by_lot'] if l['flagged']] + [l for l in ae['by_lot'] if l['rate']['suppressed']][:1]
short['adverse_events'] = ae
def compact(value, indent=0):
    """JSON with every object or array that fits in 100 characters on one line."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(flat) + indent <= 100 or not isinstance(value, (dict, list)) or not value:
        return flat
    pad = ' ' * (indent + 2)
    if isinstance(value, dict):
        items = [pad + json.dumps(k) + ': ' + compact(v, indent + 2) for k, v in value.items()]
        return '{\n' + ',\n'.join(items) + '\n' + ' ' * indent + '}'
    return '[\n' + ',\n'.join(pad + compact(v, indent + 2) for v in value) + '\n' + ' ' * indent + ']'
text = compact(short)
doc = open('docs/outcomes.md').read()
doc = re.sub(r'<!-- example:begin -->.*<!-- example:end -->',
             lambda m: '<!-- example:begin -->\n```json\n' + text + '\n```\n<!-- example:end -->', doc, flags=re.S)
open('docs/outcomes.md', 'w').write(doc)
PY
echo "docs/outcomes-example.json, its excerpt in docs/outcomes.md and docs/img/outcomes-chart.png regenerated"
