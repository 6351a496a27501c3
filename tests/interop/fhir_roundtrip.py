#!/usr/bin/env python3
"""Compares two FHIR Bundles of one patient for the clinical content an import carries: the
Patient (name, gender, birth date) and every QuestionnaireResponse's items (the intake
versions). Usage: fhir_roundtrip.py FIRST.json SECOND.json"""
import json
import sys


def content(path):
    bundle = json.load(open(path, encoding="utf-8"))
    resources = [e["resource"] for e in bundle["entry"]]
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    intakes = [r.get("item", []) for r in resources if r["resourceType"] == "QuestionnaireResponse"]
    return {"name": patient.get("name"), "gender": patient.get("gender"), "birthDate": patient.get("birthDate")}, intakes


first, second = content(sys.argv[1]), content(sys.argv[2])
assert first[0] == second[0], f"Patient differs: {first[0]} != {second[0]}"
assert len(first[1]) == len(second[1]) > 0, f"{len(first[1])} intake versions exported, {len(second[1])} after the import"
for i, (a, b) in enumerate(zip(first[1], second[1])):
    assert a == b, f"intake version {i + 1} differs:\n{json.dumps(a, indent=1)}\n{json.dumps(b, indent=1)}"
print(f"round trip: the Patient and {len(first[1])} intake versions are the same after export, import, export")
