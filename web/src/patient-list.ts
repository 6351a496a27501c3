// The patient list's words (GET /api/patients): how many are shown of how many match, and the
// demo-data banner. Words only; the list is the server's.

import type { PatientPage } from './types';

const count = (n: number) => n.toLocaleString('en-GB');

/**
 * Under the table: "12 patients", "50 of 1,234 shown", "50 of more than 1,000 shown" (the
 * server counts a search's matches up to 1,000 only); null when nothing is left to say.
 */
export function listSummary(shown: number, page: Pick<PatientPage, 'total' | 'total_is_lower_bound' | 'next'>): string | null {
  if (page.total_is_lower_bound) return `${count(shown)} of more than ${count(page.total - 1)} shown`;
  if (shown >= page.total && !page.next) return null;
  return `${count(shown)} of ${count(page.total)} shown`;
}

/** The banner over the list while the database holds demo patients; null when it holds none. */
export function demoBanner(demoPatients: number): string | null {
  if (!demoPatients) return null;
  const n = demoPatients === 1 ? '1 demo patient' : `${count(demoPatients)} demo patients`;
  return `This database holds ${n} made by “dermaplan demo-data”: synthetic records to look around with, marked “demo” below. They are not real people.`;
}

/**
 * A "Show more" whose cursor lost its place: the patient it points at was renamed since, so the
 * server answers 409 at ?after and the list is read again from the first page.
 */
export function cursorPlaceGone(e: { status: number; field?: string }): boolean {
  return e.status === 409 && e.field === '?after';
}

/** The notice over a list read again from the start after its cursor lost its place. */
export const LIST_RESTARTED = 'The list changed while you were reading it (a patient was renamed), so it starts again from the top.';

/** The search as the Patients page's address keeps it: "#/patients?q=m%C3%BCl" ("#/patients" for none). */
export function patientsAddress(q: string): string {
  return q ? `#/patients?${new URLSearchParams({ q }).toString()}` : '#/patients';
}

/** The search in the Patients page's address query ("q=m%C3%BCl" -> "mül"); "" for none. */
export function searchInAddress(query: string | undefined): string {
  return new URLSearchParams(query ?? '').get('q') ?? '';
}
