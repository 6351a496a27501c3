// Every resource dermaplan exports validates with both FHIR.js and the official R4 JSON schema;
// every negative fixture (tests/cases/fhir/invalid) fails both. The exports are written by
// interop_write_fixtures into DERMAPLAN_EXPORTS.
import { describe, expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fhirJsErrors, schemaErrors } from './validators.mjs';

const exportsDir = process.env.DERMAPLAN_EXPORTS;
const casesDir = process.env.DERMAPLAN_FHIR_CASES;
if (!exportsDir || !casesDir) throw new Error('set DERMAPLAN_EXPORTS and DERMAPLAN_FHIR_CASES (CTest does)');

const readJson = (...parts) => JSON.parse(readFileSync(join(...parts), 'utf8'));

// The Bundle and bulk files from the export code (interop_write_fixtures), and the same from
// the command line over a real database (cli_exports.sh).
for (const [label, bundleFile, bulkDir] of [
  ['fixture', join(exportsDir, 'patient-bundle.json'), join(exportsDir, 'bulk')],
  ['dermaplan export fhir', join(exportsDir, 'cli', 'patient-1.json'), join(exportsDir, 'cli', 'bulk')],
]) {
const bundle = readJson(bundleFile);
const manifest = readJson(bulkDir, 'manifest.json');

describe(`${label}: patient Bundle`, () => {
  // The first validation compiles the whole R4 schema: seconds on a loaded machine.
  test('the whole Bundle validates with FHIR.js and the R4 schema', () => {
    expect(fhirJsErrors(bundle)).toEqual([]);
    expect(schemaErrors(bundle)).toEqual([]);
  }, 60_000);
  test.each(bundle.entry.map((e) => [`${e.resource.resourceType} ${e.resource.id}`, e.resource]))(
    '%s validates on its own',
    (_, resource) => {
      expect(fhirJsErrors(resource)).toEqual([]);
      expect(schemaErrors(resource)).toEqual([]);
    },
  );
  test('holds every resource type of the record', () => {
    const types = new Set(bundle.entry.map((e) => e.resource.resourceType));
    expect([...types].sort()).toEqual(
      ['AdverseEvent', 'CarePlan', 'Consent', 'Device', 'Media', 'Observation', 'Patient', 'Procedure', 'QuestionnaireResponse'],
    );
  });
});

describe(`${label}: bulk NDJSON export`, () => {
  test('the manifest lists one file per type with its line count', () => {
    expect(manifest.output.length).toBeGreaterThanOrEqual(9);
    for (const file of manifest.output) {
      const lines = readFileSync(join(bulkDir, file.url), 'utf8').split('\n').filter((l) => l !== '');
      expect(lines.length, file.url).toBe(file.count);
      for (const line of lines) expect(JSON.parse(line).resourceType).toBe(file.type);
    }
    expect(new Set(readdirSync(bulkDir).filter((f) => f.endsWith('.ndjson')))).toEqual(
      new Set(manifest.output.map((f) => f.url)),
    );
  });
  test('every line validates with FHIR.js and the R4 schema, ids are unique, references resolve', () => {
    const ids = new Set();
    const references = [];
    let checked = 0;
    for (const file of manifest.output) {
      for (const line of readFileSync(join(bulkDir, file.url), 'utf8').split('\n')) {
        if (line === '') continue;
        const resource = JSON.parse(line);
        expect(fhirJsErrors(resource), `${file.type} ${resource.id}`).toEqual([]);
        expect(schemaErrors(resource), `${file.type} ${resource.id}`).toEqual([]);
        const key = `${resource.resourceType}/${resource.id}`;
        expect(ids.has(key), key).toBe(false);
        ids.add(key);
        JSON.stringify(resource, (k, v) => {
          if (k === 'reference') references.push(v);
          return v;
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    for (const ref of references) expect(ids.has(ref), ref).toBe(true);
  });
});
}

describe('negative fixtures', () => {
  const files = readdirSync(join(casesDir, 'invalid')).filter((f) => f.endsWith('.json')).sort();
  test('there are some', () => expect(files.length).toBeGreaterThanOrEqual(5));
  test.each(files)('%s fails both validators', (file) => {
    const fixture = JSON.parse(readFileSync(join(casesDir, 'invalid', file), 'utf8'));
    expect(Object.keys(fixture).sort()).toEqual(['description', 'resource']);
    expect(fhirJsErrors(fixture.resource).length, 'FHIR.js').toBeGreaterThan(0);
    expect(schemaErrors(fixture.resource).length, 'R4 schema').toBeGreaterThan(0);
  });
});
