// The documents and exports of the record as links where a user looks for them: a plan's
// handout and calendar, a consent's PDF, a patient's FHIR record, the practice's tables as
// CSV. Plain links: the session cookie goes with them and a GET needs no CSRF header; the
// server checks the role and audits every export. PDFs open in a new tab, the others download.

import type { App } from '../app';
import { h } from '../ui/dom';

/** The tables of GET /api/export/{table}.csv (src/clinic/exports.cpp, csv_tables()). */
export const CSV_TABLES = ['users', 'patients', 'intakes', 'consents', 'course_plans', 'sessions',
  'session_needle_lengths', 'gate_passages', 'amendments', 'adverse_events', 'outcomes', 'photos', 'audit'];

function documentLink(href: string, label: string, id: string, opens: 'tab' | 'download', title: string): HTMLAnchorElement {
  return h('a', {
    href, id, class: 'button small', title,
    ...(opens === 'tab' ? { target: '_blank', rel: 'noopener' } : { download: '' }),
  }, label);
}

/**
 * Handout (patient's and practitioner's copy) and calendar of a stored plan; every role. The
 * links' ids are `plan-ID-…`, with `idPrefix` before them where the plan's links show twice.
 */
export function planDocuments(planId: number, idPrefix = ''): HTMLElement {
  const base = `/api/plans/${planId}`;
  return h('span', { class: 'document-links' },
    documentLink(`${base}/handout.pdf`, 'Handout (PDF)', `${idPrefix}plan-${planId}-handout`, 'tab',
      'The patient handout: sessions, preparation, aftercare day by day, when to call'),
    ' ',
    documentLink(`${base}/handout.pdf?copy=practitioner`, 'Practitioner’s copy', `${idPrefix}plan-${planId}-handout-practitioner`, 'tab',
      'The handout with device, needle lengths, warnings and the decision-support note'),
    ' ',
    documentLink(`${base}/calendar.ics`, 'Calendar (.ics)', `${idPrefix}plan-${planId}-calendar`, 'download',
      'Sessions, preparation and aftercare reminders for a calendar; importing again updates the entries'));
}

/** The PDF of a recorded consent: the text of the version agreed to, with the signature. */
export function consentPdfLink(patientId: number, consentId: number): HTMLAnchorElement {
  return documentLink(`/api/patients/${patientId}/consents/${consentId}.pdf`, 'PDF', `consent-${consentId}-pdf`, 'tab',
    'The consent as recorded: the text agreed to, who consented and when, the signature');
}

/** The patient's whole record as a FHIR R4 Bundle; practitioners and admins. */
export function patientFhirLink(app: App, patientId: number): HTMLElement | null {
  if (!app.can('clinical')) return null;
  return documentLink(`/api/patients/${patientId}/fhir`, 'Export record (FHIR)', 'patient-fhir', 'download',
    'The whole record as a FHIR R4 Bundle (JSON) to take to another system');
}

/** Every table of the record as RFC 4180 CSV (admins). */
export function practiceExportPanel(): HTMLElement {
  return h('section', { class: 'panel narrow', id: 'practice-export' }, h('h2', null, 'Practice export'),
    h('p', null, 'Every table of the record as CSV (UTF-8, one header row; cells a spreadsheet would run as a formula are neutralised). Each download is recorded in the audit log.'),
    h('ul', { class: 'export-tables' }, CSV_TABLES.map((t) => h('li', null,
      documentLink(`/api/export/${t}.csv`, `${t}.csv`, `export-${t}`, 'download', `The ${t} table as CSV`)))),
    h('p', { class: 'muted small' }, 'Every patient as FHIR R4 bulk NDJSON: ', h('code', null, 'dermaplan export fhir --all --out DIR'), ' on the server (docs/interop.md).'));
}
