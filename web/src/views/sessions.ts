// A patient's sessions: the list, and starting a session from a saved plan (its device, needle
// lengths, passes and directions are copied in as the starting values, one session per device
// the plan uses: session-from-plan.ts; the practitioner documents what was actually done).

import type { App } from '../app';
import { saveFailure } from '../save-failure';
import { formatDay, formatInstant, todayLocal } from '../dates';
import { datesToSchedule } from '../schedule';
import { field, h, select, hiddenTh } from '../ui/dom';
import type { PatientRecord } from '../types';
import { deviceGroups, sessionFieldsFromPlan } from '../session-from-plan';

export function sessionsTab(app: App, patient: PatientRecord): HTMLElement {
  const plans = [...patient.plans].reverse();
  const planSelect = select([['', 'no plan'], ...plans.map((p) => [String(p.id), `${p.plan.indication_name ?? p.indication} (saved ${formatInstant(p.created_at)})`] as [string, string])],
    plans[0] ? String(plans[0].id) : '', { id: 'session-plan' });
  const date = h('input', { type: 'date', value: todayLocal(), id: 'session-date' });
  // Under the buttons: why the last click did nothing, or why sending failed.
  const error = h('div', { class: 'save-failure', role: 'alert', id: 'session-error' });
  const start = h('button', { type: 'submit', class: 'primary', id: 'new-session' }, 'Document a session');
  const schedule = h('button', { type: 'button', id: 'schedule-sessions' }, 'Add the plan’s dates as planned sessions');
  const chosenPlan = () => patient.plans.find((p) => String(p.id) === planSelect.value);
  // A plan that treats some regions with another device: each device is a session of its own.
  const deviceSelect = select([], '', { id: 'session-device' });
  const deviceField = field('Device and regions', deviceSelect, {
    wide: true, hint: 'This plan uses more than one device: each is documented as a session of its own, with its own lot.' });
  const drawDevices = () => {
    const groups = deviceGroups(chosenPlan()?.plan ?? { areas: [] });
    deviceSelect.replaceChildren(...groups.map((g) => h('option', { value: g.device },
      `${app.deviceName(g.device)}: ${g.areas.map((a) => a.region_name).join(', ')}`)));
    deviceField.hidden = groups.length < 2;
  };
  planSelect.addEventListener('change', drawDevices);
  drawDevices();
  const form = h('form', { class: 'form-grid', 'aria-label': 'New session' },
    field('From plan', planSelect), field('Session date', date), deviceField,
    h('div', { class: 'actions wide' }, start, schedule), error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    start.disabled = true;
    try {
      const s = await app.api.createSession(patient.id, sessionFieldsFromPlan(chosenPlan(), date.value, deviceSelect.value || undefined));
      location.hash = `#/sessions/${s.id}`;
    } catch (err) {
      error.textContent = saveFailure(err, 'the session', { done: 'created', retry: 'The plan and date are still chosen: try again.' }).summary;
    } finally {
      start.disabled = false;
    }
  });
  schedule.addEventListener('click', async () => {
    const stored = chosenPlan();
    if (!stored) {
      error.textContent = 'Choose a plan first.';
      return;
    }
    const { toAdd, done } = datesToSchedule(stored, patient.sessions, todayLocal());
    if (toAdd.length === 0) {
      error.textContent = `Nothing to add: ${done ? `${done} of this plan’s sessions ${done === 1 ? 'is' : 'are'} documented, and ` : ''}the plan’s other dates are planned already or past.`;
      return;
    }
    schedule.disabled = true;
    error.textContent = '';
    const groups = deviceGroups(stored.plan);
    const total = toAdd.length * groups.length;
    let added = 0;
    try {
      // One planned session per date and device the plan uses.
      for (const ps of toAdd)
        for (const g of groups) {
          const s = await app.api.createSession(patient.id, { ...sessionFieldsFromPlan(stored, ps.date, g.device), status: 'planned' });
          // Known here at once: a retry after a failure does not add it again.
          patient.sessions.push(s);
          added++;
        }
      void app.refresh();
    } catch (err) {
      // The message stays on this screen (drawing the tab again would wipe it, and fails with the server down).
      error.textContent = saveFailure(err, 'the planned sessions', {
        notDone: added ? `Only ${added} of the ${total} planned sessions were added` : 'No planned session was added',
        unknown: 'whether the next planned session was added',
        retry: added ? 'They show once the page is loaded again; try again to add the rest.' : 'Try again.',
      }).summary;
      schedule.disabled = false;
    }
  });

  const rows = [...patient.sessions].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : b.id - a.id));
  return h('div', { class: 'grid-2 wide-left' },
    h('section', { class: 'panel' },
      h('h2', null, `Sessions (${rows.length})`),
      rows.length === 0 ? h('p', { class: 'muted' }, 'No session yet.') :
        // On a phone each session is a card with the column names as labels (style.css .table.stack).
        h('table', { class: 'table stack', id: 'sessions-table' },
          h('thead', null, h('tr', null, h('th', null, 'Date'), h('th', null, 'Status'), h('th', null, 'Practitioner'), h('th', null, 'Device'), h('th', null, 'Regions (mm)'), h('th', null, 'Lot'), hiddenTh('Open'))),
          h('tbody', null, rows.map((s) => h('tr', null,
            h('td', { 'data-label': 'Date' }, formatDay(s.date)),
            h('td', { 'data-label': 'Status' }, h('span', { class: `badge status-${s.status}` }, s.status === 'signed' ? 'signed · locked' : s.status),
              s.gate_override ? [' ', h('span', { class: 'badge decision-contraindicated gate-overridden', title: `Gate overridden: “${s.gate_override.reason}”` }, 'gate overridden')] : null),
            h('td', { class: 'practitioner', 'data-label': 'Practitioner' }, s.practitioner_id ? app.userName(s.practitioner_id) : '—'),
            h('td', { 'data-label': 'Device', class: 'stack-wide' }, s.device ? app.deviceName(s.device) : '—'),
            h('td', { 'data-label': 'Regions (mm)', class: 'stack-wide' }, s.needle_lengths.map((n) => `${app.regionName(n.region)} ${n.needle_length_mm}`).join(', ') || '—'),
            h('td', { 'data-label': 'Lot' }, s.lot_number || '—'),
            h('td', { class: 'stack-action' }, h('a', { href: `#/sessions/${s.id}` }, s.status === 'signed' ? 'View' : 'Document'))))))),
    h('section', { class: 'panel' }, h('h2', null, 'New session'),
      h('p', { class: 'muted small' }, 'The plan’s device, needle lengths, passes and anaesthetic are copied in; change them to what you actually do.'),
      form));
}
