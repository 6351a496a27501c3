// Today: the day's sessions and the patients due for a session or an outcome assessment
// (GET /api/agenda).

import type { App } from '../app';
import { formatDay, todayLocal } from '../dates';
import { h, hiddenTh } from '../ui/dom';
import { patientSearch, patientStatusCell } from './patients';

export async function homeView(app: App): Promise<Node> {
  const today = todayLocal();
  const DAYS = 14;
  const agenda = await app.api.agenda(today, DAYS);
  const sessions = agenda.sessions_today;
  const statusBadge = (status: string) => h('span', { class: `badge status-${status}` }, status === 'signed' ? 'signed' : status);
  return h('div', { class: 'page' },
    h('div', { class: 'page-head' },
      h('h1', null, 'Today'),
      h('span', { class: 'muted' }, formatDay(agenda.date || today, undefined, 'long')),
      h('div', { class: 'spacer' }),
      h('a', { class: 'button primary', href: '#/patients/new' }, 'New patient')),
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel', 'aria-labelledby': 'today-sessions' },
        h('h2', { id: 'today-sessions' }, `Sessions today (${sessions.length})`),
        sessions.length === 0 ? h('p', { class: 'muted' }, 'No sessions are dated today.') :
          h('table', { class: 'table' },
            h('thead', null, h('tr', null, h('th', null, 'Patient'), h('th', null, 'Patient status'), h('th', null, 'Practitioner'), h('th', null, 'Device'), h('th', null, 'Regions'), h('th', null, 'Session'), hiddenTh('Open'))),
            h('tbody', null, sessions.map((s) => h('tr', null,
              h('td', null, h('a', { href: `#/patients/${s.patient?.id ?? s.patient_id}` }, s.patient?.name ?? `#${s.patient_id}`)),
              h('td', null, patientStatusCell(app, s.patient?.status)),
              h('td', null, s.practitioner_id ? app.userName(s.practitioner_id) : '—'),
              h('td', null, s.device ? app.deviceName(s.device) : '—'),
              h('td', null, s.needle_lengths.map((n) => app.regionName(n.region)).join(', ') || '—'),
              h('td', null, statusBadge(s.status)),
              h('td', null, h('a', { href: `#/sessions/${s.id}` }, s.status === 'signed' ? 'View' : 'Document'))))))),
      h('section', { class: 'panel', 'aria-labelledby': 'due' },
        h('h2', { id: 'due' }, `Due in the next ${DAYS} days (${agenda.due.length})`),
        agenda.due.length === 0 ? h('p', { class: 'muted' }, 'Nobody is due for a session or an assessment.') :
          h('table', { class: 'table' },
            h('thead', null, h('tr', null, h('th', null, 'Date'), h('th', null, 'Patient'), h('th', null, 'Patient status'), h('th', null, 'Due for'))),
            h('tbody', null, agenda.due.map((d) => h('tr', null,
              h('td', null, formatDay(d.date)),
              h('td', null, h('a', { href: `#/patients/${d.patient.id}` }, d.patient.name)),
              h('td', null, patientStatusCell(app, d.patient.status)),
              h('td', null, d.kind === 'assessment'
                ? h('a', { href: `#/patients/${d.patient.id}/outcomes` }, 'outcome assessment')
                : d.session_id ? h('a', { href: `#/sessions/${d.session_id}` }, 'next session') : 'next session'))))))),
    h('section', { class: 'panel' }, h('h2', null, 'Find a patient'), patientSearch(app)));
}
