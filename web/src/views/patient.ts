// One patient: a header with the latest screening decision, and tabs for intake, consent,
// course plan, sessions and outcomes (#/patients/{id}/{tab}).

import type { App } from '../app';
import { ApiError } from '../api';
import { daysBetween, formatDay, formatInstant, localDateTimeInput, localInputToUtc, todayLocal } from '../dates';
import { clearFieldErrors, field, h, mount, select, showFieldError, sourcesLine, supportNotice } from '../ui/dom';
import type { PatientRecord } from '../types';
import { intakeTab } from './intake';
import { planTab } from './plan';
import { sessionsTab } from './sessions';
import { outcomesTab } from './outcomes';
import { decisionBadge } from './screening';

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
    h('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'Patient record' },
      TABS.map(([key, label]) => h('a', {
        href: `#/patients/${id}/${key}`, role: 'tab', id: `tabbtn-${key}`,
        'aria-selected': String(key === tab), class: key === tab ? 'active' : '',
      }, label, tabCount(patient, key)))),
    body);
  if (tab === 'intake') mount(body, intakeTab(app, patient, reload));
  else if (tab === 'consent') mount(body, await consentTab(app, patient, reload));
  else if (tab === 'plan') mount(body, await planTab(app, patient));
  else if (tab === 'sessions') mount(body, sessionsTab(app, patient));
  else mount(body, await outcomesTab(app, patient, reload));
  return container;
}

function tabCount(p: PatientRecord, key: string): HTMLElement | null {
  const n = key === 'consent' ? p.consents.length : key === 'plan' ? p.plans.length : key === 'sessions' ? p.sessions.length
    : key === 'outcomes' ? p.outcomes.length + p.photos.length + p.adverse_events.length : 0;
  return n ? h('span', { class: 'count' }, String(n)) : null;
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
      p.consents.length ? h('span', { class: 'badge ok' }, 'consent recorded') : h('span', { class: 'badge warn' }, 'no consent')));
}

async function consentTab(app: App, patient: PatientRecord, onSaved: () => void): Promise<HTMLElement> {
  const kb = app.kb!;
  const indication = select([['', 'any indication'], ...kb.indications.map((i) => [i.id, i.name] as [string, string])],
    patient.plans[patient.plans.length - 1]?.indication ?? '', { id: 'consent-indication' });
  const textBox = h('div', { class: 'consent-text', id: 'consent-text', tabindex: 0, 'aria-label': 'Consent text' });
  let version = '';
  const loadText = async () => {
    textBox.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
    try {
      const t = await app.api.consentText(indication.value || undefined);
      version = t.version;
      const items = t.items && t.items.length > 0 ? t.items : null;
      textBox.replaceChildren(
        h('p', { class: 'muted small' }, `Consent text version ${t.version}`),
        items ? h('ol', null, items.map((i) => h('li', null, i.text, ' ', sourcesLine(i.sources))))
          : h('pre', { class: 'plain' }, t.text),
        h('h3', null, 'Risks'),
        h('ul', { class: 'risks' }, t.risks.map((r) => h('li', null, r.text, ' ', sourcesLine(r.sources)))));
    } catch (e) {
      textBox.replaceChildren(h('p', { class: 'field-error' }, e instanceof ApiError ? e.message : String(e)));
    }
  };
  indication.addEventListener('change', () => void loadText());
  await loadText();

  const by = h('input', { value: patient.name, autocomplete: 'off' });
  const at = h('input', { type: 'datetime-local', value: localDateTimeInput() });
  const button = h('button', { type: 'submit', class: 'primary', id: 'record-consent' }, 'Record consent');
  const form = h('form', { class: 'form-grid', 'aria-label': 'Record consent' },
    field('Consented by (patient or guardian)', by, { key: 'consented_by' }),
    field('Consented at', at, { key: 'consented_at', hint: 'Your local time; stored in UTC.' }),
    h('div', { class: 'field-error wide', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions wide' }, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    const when = localInputToUtc(at.value);
    if (!when) {
      showFieldError(form, 'consented_at', 'Enter the date and time of consent.');
      return;
    }
    button.disabled = true;
    try {
      await app.api.addConsent(patient.id, { indication: indication.value || undefined, consented_by: by.value.trim(), consented_at: when, text_version: version || undefined });
      app.toast('Consent recorded.');
      onSaved();
    } catch (err) {
      if (err instanceof ApiError) showFieldError(form, err.field?.replace(/^\//, '') ?? null, err.message);
    } finally {
      button.disabled = false;
    }
  });

  return h('div', { class: 'grid-2 wide-left' },
    h('section', { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', null, 'Consent text'), h('div', { class: 'spacer' }), field('For', indication)),
      textBox,
      supportNotice('The risks listed come from the knowledge base and support a qualified practitioner’s counselling; they do not replace it.')),
    h('section', { class: 'panel' },
      h('h2', null, 'Record consent'), form,
      h('h3', null, 'Recorded consents'),
      patient.consents.length === 0 ? h('p', { class: 'muted' }, 'None yet.') :
        h('table', { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, 'Consented by'), h('th', null, 'When'), h('th', null, 'Text version'), h('th', null, 'Recorded by'))),
          h('tbody', null, patient.consents.map((c) => h('tr', null,
            h('td', null, c.consented_by), h('td', null, formatInstant(c.consented_at)), h('td', null, c.text_version),
            h('td', null, app.userName(c.recorded_by))))))));
}
