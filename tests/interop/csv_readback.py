#!/usr/bin/env python3
"""Reads `dermaplan export csv` back with Python's csv module: every file is UTF-8 with a
header row and CRLF record ends, every row as wide as its header, and the cells equal what the
store holds (practice-expected.json), text cells that a spreadsheet would run as a formula
carrying a leading apostrophe. Usage: csv_readback.py CSV_DIR EXPECTED_JSON"""
import csv
import io
import json
import re
import sys
from pathlib import Path

TABLES = ["patients", "users", "intakes", "consents", "course_plans", "sessions", "session_needle_lengths",
          "gate_passages", "amendments", "adverse_events", "outcomes", "photos", "audit"]
ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def neutralised(value):
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def read_table(path):
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # raises on anything but UTF-8
    outside_quotes = re.sub(r'"(?:[^"]|"")*"', "", text)
    assert "\n" not in outside_quotes.replace("\r\n", ""), f"{path.name}: a record not ended by CRLF"
    assert text.endswith("\r\n"), f"{path.name}: the last record lacks its CRLF"
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    header, body = rows[0], rows[1:]
    for n, row in enumerate(body, start=2):
        assert len(row) == len(header), f"{path.name}:{n}: {len(row)} fields under a header of {len(header)}"
    return header, [dict(zip(header, row)) for row in body]


def main(csv_dir, expected_path):
    csv_dir = Path(csv_dir)
    expected = json.loads(Path(expected_path).read_text("utf-8"))
    tables = {}
    for name in TABLES:
        path = csv_dir / f"{name}.csv"
        assert path.exists(), f"missing {path.name}"
        tables[name] = read_table(path)
    extra = sorted(p.name for p in csv_dir.glob("*.csv") if p.stem not in TABLES)
    assert not extra, f"unexpected files {extra}"

    checked = 0
    for table, rows in expected.items():
        header, body = tables[table]
        by_id = {row["id"]: row for row in body}
        assert len(by_id) == len(rows), f"{table}: {len(by_id)} rows, the store has {len(rows)}"
        for want in rows:
            got = by_id[want["id"]]
            for column, value in want.items():
                if column == "id":
                    continue
                assert got[column] == neutralised(value), f"{table} id {want['id']} {column}: {got[column]!r} != {value!r}"
                checked += 1
    # Dates and instants are ISO 8601; no password hash is ever exported.
    for name, (header, body) in tables.items():
        assert "password_hash" not in header, f"{name}: exports a password hash"
        for row in body:
            for column, value in row.items():
                if value and (column.endswith("_at") or column == "at"):
                    assert ISO_INSTANT.match(value), f"{name} {column}: {value!r} is not an ISO 8601 instant"
                if value and (column.endswith("_date") or column.endswith("_on")):
                    assert ISO_DATE.match(value), f"{name} {column}: {value!r} is not an ISO 8601 date"
    patients = {row["name"] for row in tables["patients"][1]}
    assert any(name.startswith("'=HYPERLINK(") and "\r\n" in name for name in patients), "the formula name, neutralised"
    assert tables["audit"][1], "the audit log is exported"
    print(f"csv readback: {len(TABLES)} tables, {checked} cells compared with the store")
    print(f"{len(TABLES)} passed, 0 failed")


if __name__ == "__main__":
    main(*sys.argv[1:])
