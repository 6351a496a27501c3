// One patient: a header with the latest screening decision, and tabs for intake, consent,
// course plan, sessions and outcomes (#/patients/{id}/{tab}).

import type { App } from '../app';
import { daysBetween, formatDay, todayLocal } from '../dates';
import { h, mount, tabStrip } from '../ui/dom';
import type { PatientRecord } from '../types';
import { intakeTab } from './intake';
import { planTab } from './plan';
import { sessionsTab } from './sessions';
import { outcomesTab } from './outcomes';
import { consentTab } from './consent';
import { decisionBadge } from './screening';
import { patientFhirLink } from './documents';

const TABS: [string, string][] = [
  ['intake', 'Intake & screening'],
  ['consent', 'Consent'],
  ['plan', 'Course plan'],
  ['sessions', 'Sessions'],
  ['outcomes', 'Outcomes'],
];

export async function patientView(app: App, params: string[]): Promise<Node> {
  const id = Number(params[0]);
  const tab = params[1] && TABS.some(([k]) => k === params[1]) ? params[1] : 'intake';
  const patient = await app.api.patient(id);
  const container = h('div', { class: 'page patient' });
  const body = h('div', { class: 'tab-body', role: 'tabpanel', id: `tab-${tab}`, 'aria-labelledby': `tabbtn-${tab}` });
  const reload = () => void app.refresh();
  mount(container, patientHeader(app, patient),
    tabStrip('Patient record',
      TABS.map(([key, label]) => h('a', {
        href: `#/patients/${id}/${key}`, role: 'tab', id: `tabbtn-${key}`,
        'aria-selected': String(key === tab), class: key === tab ? 'active' : '',
      }, label, tabCount(patient, key)))),
    body);
  container.querySelector('.patient-head')?.append(h('div', { class: 'head-actions' }, patientFhirLink(app, id)));
  if (tab === 'intake') mount(body, intakeTab(app, patient, reload));
  else if (tab === 'consent') mount(body, await consentTab(app, patient, reload));
  else if (tab === 'plan') mount(body, await planTab(app, patient, (n) => setTabCount(container, 'plan', n)));
  else if (tab === 'sessions') mount(body, sessionsTab(app, patient));
  else mount(body, await outcomesTab(app, patient, reload));
  return container;
}

function tabCount(p: PatientRecord, key: string): HTMLElement | null {
  const n = key === 'consent' ? p.consents.length : key === 'plan' ? p.plans.length : key === 'sessions' ? p.sessions.length
    : key === 'outcomes' ? p.outcomes.length + p.photos.length + p.adverse_events.length : 0;
  return n ? h('span', { class: 'count' }, String(n)) : null;
}

/** Puts `n` on a tab of the strip (after a save on that tab). */
function setTabCount(container: HTMLElement, key: string, n: number): void {
  const tab = container.querySelector(`#tabbtn-${key}`);
  if (!tab) return;
  tab.querySelector('.count')?.remove();
  if (n) tab.append(h('span', { class: 'count' }, String(n)));
}

function age(birth: string): string {
  const days = daysBetween(birth, todayLocal());
  return Number.isFinite(days) ? `${Math.floor(days / 365.25)} y` : '';
}

function patientHeader(app: App, p: PatientRecord): HTMLElement {
  const latest = p.intakes[0];
  return h('div', { class: 'patient-head' },
    h('div', null,
      h('h1', null, p.name),
      h('div', { class: 'muted' },
        p.birth_date ? `born ${formatDay(p.birth_date)} (${age(p.birth_date)})` : 'birth date not recorded',
        p.sex ? ` · ${p.sex}` : '', ` · record #${p.id}`,
        app.can('admin') ? [' · ', h('a', { href: `#/admin/audit/patient/${p.id}`, id: 'patient-audit' }, 'audit trail')] : null)),
    h('div', { class: 'spacer' }),
    h('div', { class: 'head-status' },
      latest
        ? [h('span', { class: 'muted small' }, `Screening (intake v${latest.version})`), decisionBadge(latest.screening.decision,
          latest.screening.earliest_date ? ` until ${formatDay(latest.screening.earliest_date)}` : '')]
        : h('span', { class: 'badge' }, 'no intake yet'),
      p.consents.length === 0 ? h('span', { class: 'badge warn' }, 'no consent')
        : p.consents.some((c) => c.current !== false) ? h('span', { class: 'badge ok' }, 'consent recorded')
          : h('span', { class: 'badge warn', title: 'The consent form changed since it was signed: record it again.' }, 'consent outdated')));
}
