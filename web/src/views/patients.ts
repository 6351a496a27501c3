// Find a patient (name search as you type) and create one.

import type { App } from '../app';
import { ApiError } from '../api';
import { formatDay, todayLocal } from '../dates';
import { statusParts, type StatusLevel } from '../patient-status';
import { clearFieldErrors, clearSaveFailure, failureSlot, showSaveFailure, debounce, field, h, select, showFieldError } from '../ui/dom';
import { cursorPlaceGone, demoBanner, LIST_RESTARTED, listSummary, patientsAddress, searchInAddress } from '../patient-list';
import type { Patient, PatientPage, PatientStatus } from '../types';

export const SEX_OPTIONS: [string, string][] = [['', 'not recorded'], ['female', 'female'], ['male', 'male'], ['other', 'other'], ['unknown', 'unknown']];

const LEVEL_CLASS: Record<StatusLevel, string> = { ok: 'ok', caution: 'warn', defer: 'decision-defer', contra: 'decision-contraindicated', none: 'none' };

/** The patient's screening and consent as two badges, each with its sentence as a title. */
export function patientStatusCell(app: App, status: PatientStatus | undefined): HTMLElement {
  if (!status) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'patient-status', 'data-screening': status.screening_decision, 'data-consent': status.consent },
    statusParts(status, todayLocal(), { indicationName: (id) => app.indicationName(id) }).map((p) =>
      h('span', { class: `badge ${LEVEL_CLASS[p.level]}`, 'data-part': p.kind, title: p.detail }, p.text,
        h('span', { class: 'visually-hidden' }, `: ${p.detail}`))));
}

/**
 * A search box with a live result table, paged with the list's cursor ("Show more"), starting
 * from `initial`; `onQuery` hears each search (the Patients page keeps it in the address).
 */
export function patientSearch(app: App, autofocus = false, initial = '', onQuery?: (q: string) => void): HTMLElement {
  const input = h('input', { type: 'search', id: 'patient-search', placeholder: 'Name…', autocomplete: 'off', autofocus, value: initial });
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  let generation = 0;  // a newer search makes the pages of an older one stale
  /** Reads the first page of `q` (with a notice above it when the list was restarted). */
  const load = async (q: string, notice: string | null = null) => {
    const mine = ++generation;
    try {
      const page = await app.api.patients(q, PAGE_SIZE);
      if (mine !== generation) return;
      const restart = () => load(q, LIST_RESTARTED);
      results.replaceChildren(
        notice ? h('p', { class: 'list-restarted', role: 'status', id: 'patient-list-notice', tabindex: -1 }, notice) : '',
        patientTable(app, q, page, () => mine === generation, restart));
      if (notice) results.querySelector<HTMLElement>('#patient-list-notice')?.focus();
    } catch (e) {
      if (mine === generation) results.replaceChildren(h('p', { class: 'field-error' }, e instanceof ApiError ? e.message : String(e)));
    }
  };
  const run = debounce((q: string) => { onQuery?.(q); void load(q); }, 250);
  input.addEventListener('input', () => run(input.value.trim()));
  run(initial.trim()); run.flush();
  return h('div', { class: 'patient-search' }, field('Search by name', input), results);
}

const PAGE_SIZE = 50;

function patientRow(app: App, p: Patient): HTMLElement {
  return h('tr', p.demo ? { class: 'demo-row', 'data-demo': 'true' } : null,
    h('td', null, h('a', { href: `#/patients/${p.id}` }, p.name),
      p.demo ? h('span', { class: 'badge demo', title: 'Made by dermaplan demo-data: not a real person' }, 'demo') : null),
    h('td', null, formatDay(p.birth_date) || '—'),
    h('td', null, p.sex || '—'),
    h('td', null, patientStatusCell(app, p.status)),
    h('td', null, p.updated_at ? formatDay(todayLocal(new Date(p.updated_at))) : '—'));
}

/** The first page's table; "Show more" reads the next page through its cursor and appends it. */
function patientTable(app: App, q: string, first: PatientPage, current: () => boolean, restart: () => Promise<void>): HTMLElement {
  const banner = demoBanner(first.demo_patients);
  const bannerNode = banner ? h('div', { class: 'demo-banner', role: 'note', id: 'demo-banner' }, banner) : null;
  if (first.patients.length === 0)
    return h('div', null, bannerNode, h('p', { class: 'muted', id: 'patient-list-empty' }, q ? `No patient’s name holds “${q}”.` : 'No patients yet: “New patient” records the first.'));
  const tbody = h('tbody', null, first.patients.map((p) => patientRow(app, p)));
  const summary = h('p', { class: 'muted', id: 'patient-list-summary' });
  const more = h('button', { type: 'button', id: 'patient-list-more' }, 'Show more');
  const error = h('p', { class: 'field-error', role: 'alert' });
  let shown = first.patients.length;
  let next = first.next;
  const update = (page: PatientPage) => {
    summary.textContent = listSummary(shown, { ...page, next }) ?? '';
    more.hidden = !next;
  };
  more.addEventListener('click', async () => {
    if (!next) return;
    more.disabled = true;
    error.textContent = '';
    try {
      const page = await app.api.patients(q, PAGE_SIZE, next);
      if (!current()) return;
      tbody.append(...page.patients.map((p) => patientRow(app, p)));
      shown += page.patients.length;
      next = page.next;
      update(page);
    } catch (e) {
      // The cursor's patient was renamed: its place is gone, the list starts again from the top.
      if (e instanceof ApiError && cursorPlaceGone(e)) { if (current()) await restart(); return; }
      error.textContent = e instanceof ApiError ? e.message : String(e);
    } finally {
      more.disabled = false;
    }
  });
  update(first);
  return h('div', null, bannerNode,
    h('table', { class: 'table' },
      h('thead', null, h('tr', null, h('th', null, 'Name'), h('th', null, 'Born'), h('th', null, 'Sex'), h('th', null, 'Status'), h('th', null, 'Updated'))),
      tbody),
    h('div', { class: 'list-foot' }, summary, more), error);
}

export function patientsView(app: App, params: string[] = []): Node {
  // The search is in the address: back from a patient, or after a reload, it is still there.
  const q = searchInAddress(params[0]);
  return h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Patients'), h('div', { class: 'spacer' }),
      h('a', { class: 'button primary', href: '#/patients/new' }, 'New patient')),
    h('section', { class: 'panel' }, patientSearch(app, true, q, (typed) => app.replaceAddress(patientsAddress(typed)))));
}

export function newPatientView(app: App): Node {
  const name = h('input', { name: 'name', required: true, autocomplete: 'off', autofocus: true });
  const birth = h('input', { name: 'birth_date', type: 'date', 'aria-required': 'true' });
  const sex = select(SEX_OPTIONS, '', { name: 'sex' });
  const notes = h('textarea', { name: 'notes', rows: 3 });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Create patient');
  const form = h('form', { class: 'panel form-grid', 'aria-label': 'New patient' },
    field('Full name', name, { key: 'name' }),
    field('Birth date', birth, { key: 'birth_date' }),
    field('Sex', sex, { key: 'sex' }),
    field('Notes', notes, { key: 'notes', wide: true }),
    h('div', { class: 'field-error wide', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions wide' }, button, h('a', { href: '#/patients', class: 'button' }, 'Cancel')),
    failureSlot());
  // Typed and not yet created: leaving the screen asks first (no lost input).
  const tracked = app.trackForm(form, 'new-patient');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    clearSaveFailure(form);
    // The record needs a birth date (the server refuses a patient without one).
    if (!birth.value) {
      showFieldError(form, 'birth_date', 'Enter the birth date.');
      return;
    }
    button.disabled = true;
    try {
      const p = await app.api.createPatient({ name: name.value.trim(), birth_date: birth.value || undefined, sex: sex.value || undefined, notes: notes.value || undefined });
      tracked.saved();
      location.hash = `#/patients/${p.id}/intake`;
    } catch (err) {
      // The server names the field as "/name" or "/patient/birth_date": the last segment is the form's key.
      showSaveFailure(form, err, 'the patient', { done: 'created', fieldOf: (path) => path?.split('/').pop() || null });
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'page narrow' }, h('h1', null, 'New patient'),
    h('p', { class: 'muted' }, 'After creating the patient you fill in the intake; screening runs as you type.'), form);
}
