// Consent that proves something: the form for the indication (preselected from the latest
// plan), each statement and each risk acknowledged one by one, the patient's own choice about
// photos, and the signature drawn on screen (sent as SVG, stored by its hash). The server checks
// all of it again; the treatment gate then needs a consent whose text is today's form.

import type { App } from '../app';
import { ApiError, type PhotoUse } from '../api';
import { formatInstant, localDateTimeInput, localInputToUtc } from '../dates';
import { clearFieldErrors, clearSaveFailure, failureSlot, showSaveFailure, field, h, select, showFieldError, sourcesLine, supportNotice, uid } from '../ui/dom';
import { base64Utf8, signatureField } from '../ui/signature';
import { consentPdfLink } from './documents';
import type { Consent, ConsentText, PatientRecord } from '../types';

export const PHOTO_USE: [PhotoUse, string, string][] = [
  ['record_only', 'Record only', 'Photos stay in my clinical record, seen by the people treating me.'],
  ['teaching', 'Teaching', 'Also shown, without my name, to train practitioners.'],
  ['marketing', 'Marketing', 'Also used, without my name, in the practice’s publications and advertising.'],
];

/** The ids of the form's items and risks that are not ticked (the server wants every one). */
export function missingAcknowledgements(form: Pick<ConsentText, 'items' | 'risks'>, ticked: ReadonlySet<string>): string[] {
  return [...(form.items ?? []), ...form.risks].map((x) => x.id ?? '').filter((id) => id && !ticked.has(id));
}

export async function consentTab(app: App, patient: PatientRecord, onSaved: () => void): Promise<HTMLElement> {
  const kb = app.kb!;
  const latestPlan = patient.plans[patient.plans.length - 1];
  const indication = select([['', 'general form (no indication)'], ...kb.indications.map((i) => [i.id, i.name] as [string, string])],
    latestPlan?.indication ?? '', { id: 'consent-indication' });
  const planNote = h('div', { class: 'hint', id: 'consent-indication-hint' },
    latestPlan ? `Preselected from plan #${latestPlan.id} (${app.indicationName(latestPlan.indication)}).` : 'No plan yet: the general form, or choose the indication.');
  indication.setAttribute('aria-describedby', planNote.id);
  const textBox = h('div', { class: 'consent-text', id: 'consent-text' });
  const progress = h('span', { class: 'small', id: 'ack-progress', role: 'status' });
  const ticked = new Set<string>();
  let form: ConsentText | null = null;

  const countTicks = () => {
    if (!form) return;
    const total = (form.items?.length ?? 0) + form.risks.length;
    const done = total - missingAcknowledgements(form, ticked).length;
    progress.textContent = `${done} of ${total} acknowledged`;
    progress.classList.toggle('complete', done === total);
  };
  /** One statement or risk with its own "explained and understood" tick. */
  const ackItem = (kind: 'item' | 'risk', x: { id?: string; text: string; sources: string[] }) => {
    const id = x.id ?? '';
    const box = h('input', { type: 'checkbox', id: uid('ack'), 'data-ack': id, 'data-kind': kind, checked: ticked.has(id), disabled: !id });
    box.addEventListener('change', () => {
      if (box.checked) ticked.add(id); else ticked.delete(id);
      countTicks();
      app.setUnsaved('consent', true);
    });
    return h('li', { class: 'ack-item', 'data-id': id },
      box, h('label', { for: box.id }, h('span', { class: 'ack-text' }, x.text), ' ', sourcesLine(x.sources)));
  };
  const loadText = async () => {
    textBox.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
    ticked.clear();
    try {
      form = await app.api.consentText(indication.value || undefined);
      const items = form.items ?? [];
      textBox.replaceChildren(
        h('p', { class: 'muted small' }, `Consent text version ${form.version}. Read each statement and each risk with the patient, and tick it once explained and understood.`),
        items.length ? h('ol', { class: 'ack-list items', 'aria-label': 'Statements' }, items.map((i) => ackItem('item', i))) : h('pre', { class: 'plain' }, form.text),
        h('h3', { id: 'risks-title' }, 'Risks'),
        h('ul', { class: 'ack-list risks', 'aria-labelledby': 'risks-title' }, form.risks.map((r) => ackItem('risk', r))));
      countTicks();
    } catch (e) {
      form = null;
      textBox.replaceChildren(h('p', { class: 'field-error' }, e instanceof ApiError ? e.message : String(e)));
    }
  };
  indication.addEventListener('change', () => void loadText());
  await loadText();

  const by = h('input', { value: patient.name, autocomplete: 'off' });
  const at = h('input', { type: 'datetime-local', value: localDateTimeInput() });
  const photoUse = h('fieldset', { class: 'photo-use', id: 'photo-use', 'data-field': 'photo_use' },
    h('legend', null, 'Use of photos (the patient’s choice)'),
    PHOTO_USE.map(([value, label, text]) => {
      const id = `photo-use-${value}`;
      return h('div', { class: 'radio' }, h('input', { type: 'radio', name: 'photo_use', id, value }),
        h('label', { for: id }, h('strong', null, label), ' — ', text));
    }),
    h('div', { class: 'field-error', 'data-error-for': 'photo_use', role: 'alert' }));
  const signature = signatureField({ label: 'Signature of the person consenting', onChange: () => app.setUnsaved('consent', true) });
  const button = h('button', { type: 'submit', class: 'primary', id: 'record-consent' }, 'Record consent');
  const formEl = h('form', { class: 'form-grid consent-form', 'aria-label': 'Record consent' },
    field('Consented by (patient or guardian)', by, { key: 'consented_by' }),
    field('Consented at', at, { key: 'consented_at', hint: 'Your local time; stored in UTC.' }),
    h('div', { class: 'wide' }, photoUse),
    signature.element,
    h('div', { class: 'field-error wide', 'data-error-for': 'acknowledged', role: 'alert' }),
    h('div', { class: 'field-error wide', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions sticky-actions wide' }, button, progress, h('span', { class: 'unsaved-flag', hidden: true }, 'Unsaved consent'), failureSlot()));
  const tracked = app.trackForm(formEl, 'consent');
  formEl.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(formEl);
    clearSaveFailure(formEl);
    if (!form) return;
    const when = localInputToUtc(at.value);
    const missing = missingAcknowledgements(form, ticked);
    const use = (formEl.querySelector('input[name=photo_use]:checked') as HTMLInputElement | null)?.value as PhotoUse | undefined;
    let problems = 0;
    if (!when) { showFieldError(formEl, 'consented_at', 'Enter the date and time of consent.'); problems++; }
    if (missing.length) {
      showFieldError(formEl, 'acknowledged', `Tick each statement and risk once explained: ${missing.length} not yet (${missing.join(', ')}).`);
      textBox.querySelector<HTMLInputElement>(`input[data-ack="${CSS.escape(missing[0])}"]`)?.focus();
      problems++;
    }
    if (!use) { showFieldError(formEl, 'photo_use', 'Ask the patient how photos may be used, and choose.'); problems++; }
    const svg = signature.svg();
    if (!svg) { showFieldError(formEl, 'signature', 'The patient signs in the box above.'); problems++; }
    if (problems || !when || !use || !svg) return;
    button.disabled = true;
    try {
      await app.api.addConsent(patient.id, {
        indication: indication.value || undefined, consented_by: by.value.trim(), consented_at: when, text_version: form.version,
        acknowledged: [...(form.items ?? []), ...form.risks].map((x) => x.id ?? '').filter(Boolean),
        photo_use: use, signature: { content_type: 'image/svg+xml', data_base64: base64Utf8(svg) },
      });
      tracked.saved();
      app.toast('Consent recorded.');
      onSaved();
    } catch (err) {
      showSaveFailure(formEl, err, 'the consent', { done: 'recorded' });
    } finally {
      button.disabled = false;
    }
  });

  return h('div', { class: 'consent-tab' },
    h('section', { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', null, 'Consent form'), h('div', { class: 'spacer' }),
        h('div', { class: 'field' }, h('label', { for: indication.id }, 'For'), indication, planNote)),
      textBox,
      supportNotice('The statements and risks come from the knowledge base and support a qualified practitioner’s counselling; they do not replace it.')),
    h('section', { class: 'panel' }, h('h2', null, 'Record consent'), formEl),
    h('section', { class: 'panel' }, h('h2', null, `Recorded consents (${patient.consents.length})`), recordedConsents(app, patient)));
}

function recordedConsents(app: App, patient: PatientRecord): HTMLElement {
  if (patient.consents.length === 0) return h('p', { class: 'muted' }, 'None yet.');
  const useLabel = (u: Consent['photo_use']) => PHOTO_USE.find(([v]) => v === u)?.[1] ?? 'not recorded';
  return h('table', { class: 'table consents' },
    h('thead', null, h('tr', null, h('th', null, 'Consented by'), h('th', null, 'When'), h('th', null, 'Form'), h('th', null, 'Acknowledged'),
      h('th', null, 'Photos'), h('th', null, 'Signature'), h('th', null, 'Recorded by'), h('th', null, 'Document'))),
    h('tbody', null, [...patient.consents].reverse().map((c) => h('tr', { 'data-consent': String(c.id) },
      h('td', null, c.consented_by),
      h('td', null, formatInstant(c.consented_at)),
      h('td', null, c.indication ? app.indicationName(c.indication) : 'general', ' ',
        c.current === false ? h('span', { class: 'badge warn', title: 'The form’s text changed since: record a new consent before treating.' }, 'outdated')
          : c.current ? h('span', { class: 'badge ok' }, 'current') : null,
        h('div', { class: 'muted small' }, c.text_version)),
      h('td', null, c.acknowledged ? `${c.acknowledged.length} statements and risks` : '—'),
      h('td', null, useLabel(c.photo_use)),
      h('td', null, c.signature_sha256
        ? h('img', { class: 'signature-thumb', src: `/api/patients/${patient.id}/consents/${c.id}/signature`, alt: `Signature of ${c.consented_by}`, loading: 'lazy' })
        : h('span', { class: 'muted' }, 'none')),
      h('td', null, app.userName(c.recorded_by)),
      h('td', null, consentPdfLink(patient.id, c.id))))));
}
