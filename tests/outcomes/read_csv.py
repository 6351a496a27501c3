#!/usr/bin/env python3
"""Reads an outcomes CSV with Python's csv module and prints its rows as JSON objects.

Fails (exit 1) if the header is not the documented one or a row has another number of fields.
"""
import csv
import json
import sys

HEADER = ["section", "cohort", "scale", "anchor", "week", "measure", "n", "patients", "count",
          "estimate", "ci_low", "ci_high", "level", "suppressed", "note"]

with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    rows = list(csv.reader(handle, strict=True))
if rows[0] != HEADER:
    sys.exit(f"header is {rows[0]}, expected {HEADER}")
for number, row in enumerate(rows[1:], start=2):
    if len(row) != len(HEADER):
        sys.exit(f"row {number} has {len(row)} fields, expected {len(HEADER)}: {row}")
json.dump([dict(zip(HEADER, row)) for row in rows[1:]], sys.stdout)
