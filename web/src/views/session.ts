// Documenting one session: regions treated on the map with the needle length used on each,
// device and lot (typed or scanned: a scanner is a keyboard), passes and directions,
// anaesthetic, end point, products, adverse events. Signing locks it; after that, corrections
// are amendments with a reason, and the server refuses edits (409 "signed").

import type { App } from '../app';
import { ApiError, withoutEmpty, type GateConfirmation, type SessionFields } from '../api';
import { conditionPlace, droppedCautionsNotice, gateFieldKey, openConditions, overrideInForce, refusedAcknowledgement, unreportedAcknowledgements } from '../gate';
import { decisionBadge } from './screening';
import { formatDay, formatInstant, formatTime, todayLocal } from '../dates';
import { formatMm, lengthNotes } from '../render/depth';
import { describeChoice, fitLength, lengthChoice, type LengthChoice } from '../devices';
import { createBodyMap } from '../ui/bodymap';
import { clearFieldErrors, clearSaveFailure, failureSlot, field, h, mount, select, showFieldError, showSaveFailure, supportNotice } from '../ui/dom';
import { saveFailure } from '../save-failure';
import type { Amendment, Gate, GateCaution, GateCondition, GateRecap, NeedleLength, PatientRecord, PlanArea, TreatmentSession } from '../types';

const DIRECTION_WORDS = ['horizontal', 'vertical', 'diagonal'];
const AMENDABLE: [string, string][] = [
  ['needle_lengths', 'Needle lengths (JSON list)'], ['lot_number', 'Lot number'], ['device_id', 'Device'], ['passes', 'Passes'],
  ['directions', 'Directions'], ['anaesthetic', 'Anaesthetic'], ['anaesthetic_minutes', 'Anaesthetic minutes'], ['end_point', 'End point'],
  ['products_applied', 'Products applied'], ['notes', 'Notes'], ['session_date', 'Session date'], ['practitioner_id', 'Practitioner'],
];

const FIELD_LABEL = new Map(AMENDABLE);

/** A user id as a name: "you (…)" for the signed-in user, else the staff list's name ("user #id" if not in it). */
function who(app: App, id: number | undefined): string {
  if (id && app.user && id === app.user.id) return `you (${app.user.display_name || app.user.username})`;
  return app.userName(id);
}

/** An amendment's old or new value as shown: a practitioner id as a name, anything else as stored. */
function amendedValue(app: App, field: string, value: string): string {
  return field === 'practitioner_id' && /^\d+$/.test(value.trim()) && Number(value) > 0 ? who(app, Number(value)) : value;
}

/** The error slot key for a server field path ("/needle_lengths/0/needle_length_mm"). */
export function sessionErrorKey(path: string | undefined): string | null {
  return path ? path.replace(/^\//, '') : null;
}

export async function sessionView(app: App, params: string[]): Promise<Node> {
  const session = await app.api.session(Number(params[0]));
  const patient = await app.api.patient(session.patient_id);
  return session.status === 'signed' ? signedSession(app, session, patient) : sessionEditor(app, session, patient);
}

/** "plan #2 (Atrophic acne scars, saved 7 Dec 2026)": the number the gate's words use, and what it is. */
function planName(p: PatientRecord, planId: number): string {
  const stored = p.plans.find((x) => x.id === planId);
  if (!stored) return `plan #${planId}`;
  return `plan #${planId} (${stored.plan.indication_name ?? stored.indication}, saved ${formatDay(todayLocal(new Date(stored.created_at)))})`;
}

function header(app: App, s: TreatmentSession, p: PatientRecord): HTMLElement {
  return h('div', { class: 'page-head' },
    h('div', null,
      h('div', { class: 'crumbs' }, h('a', { href: `#/patients/${p.id}/sessions` }, `← ${p.name}`)),
      h('h1', null, `Session of ${formatDay(s.date, undefined, 'long')}`),
      h('div', { class: 'muted' }, `session #${s.id}`, s.plan_id ? ` · from ${planName(p, s.plan_id)}` : ' · no plan',
        ' · practitioner: ', h('span', { id: 'session-practitioner' }, s.practitioner_id ? who(app, s.practitioner_id) : 'not recorded'))),
    h('div', { class: 'spacer' }),
    h('span', { class: `badge big status-${s.status}`, id: 'session-status' }, s.status === 'signed' ? 'signed · locked' : s.status));
}

function planAreas(p: PatientRecord, s: TreatmentSession): Map<string, PlanArea> {
  const plan = p.plans.find((x) => x.id === s.plan_id)?.plan;
  return new Map((plan?.areas ?? []).map((a) => [a.region, a]));
}

async function sessionEditor(app: App, s: TreatmentSession, p: PatientRecord): Promise<HTMLElement> {
  const kb = app.kb!;
  const planned = planAreas(p, s);
  const lengths = new Map(s.needle_lengths.map((n) => [n.region, String(n.needle_length_mm)]));
  let rowVersion = s.row_version;

  const date = h('input', { type: 'date', value: s.date, 'data-field': 'date' });
  const status = select([['planned', 'planned'], ['performed', 'performed']], s.status === 'planned' ? 'planned' : 'performed', { 'data-field': 'status' });
  // A session without a device yet takes the plan's.
  const planDevice = p.plans.find((x) => x.id === s.plan_id)?.plan.device.id ?? '';
  const device = select([['', 'choose…'], ...kb.devices.map((d) => [d.id, `${d.name} (${d.kind})`] as [string, string])], s.device || planDevice, { 'data-field': 'device' });
  const lot = h('input', { value: s.lot_number, autocomplete: 'off', spellcheck: 'false', 'data-field': 'lot_number', id: 'lot-number', inputmode: 'text' });
  // A barcode scanner types the code and presses Enter: keep Enter from submitting the form.
  lot.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      passes.focus();
    }
  });
  const passes = h('input', { type: 'number', min: 0, max: 1000, value: String(s.passes || ''), 'data-field': 'passes', id: 'passes' });
  const dirChecks = DIRECTION_WORDS.map((d) => {
    const id = `dir-${d}`;
    const box = h('input', { type: 'checkbox', id, value: d, checked: s.directions.toLowerCase().includes(d) });
    return { d, box, el: h('span', { class: 'chip-check' }, box, h('label', { for: id }, d)) };
  });
  const otherDirections = s.directions.split(',').map((x) => x.trim()).filter((x) => x && !DIRECTION_WORDS.includes(x.toLowerCase())).join(', ');
  const dirOther = h('input', { value: otherDirections, placeholder: 'other, e.g. circular', 'aria-label': 'Other directions' });
  const anaesthetic = h('input', { value: s.anaesthetic, 'data-field': 'anaesthetic', id: 'anaesthetic', placeholder: 'none' });
  const minutes = h('input', { type: 'number', min: 0, max: 600, value: String(s.anaesthetic_minutes || ''), 'data-field': 'anaesthetic_minutes', id: 'anaesthetic-minutes' });
  const endPoint = h('input', { value: s.end_point, list: 'end-points', 'data-field': 'end_point', id: 'end-point' });
  const products = h('input', { value: s.products_applied, 'data-field': 'products_applied', id: 'products' });
  const notes = h('textarea', { rows: 3, 'data-field': 'notes', id: 'notes' }, s.notes);

  const lengthRows = h('div', { class: 'length-rows' });
  const deviceNote = h('div', { class: 'hint', id: 'device-lengths' });
  let choice: LengthChoice = { kind: 'free' };
  const map = createBodyMap({
    regions: kb.regions,
    selected: s.needle_lengths.map((n) => n.region),
    label: 'Regions treated',
    onChange: () => { drawLengths(); app.setUnsaved('session', true); },
  });
  /** The control for one region's length: what the chosen device allows. */
  function lengthControl(region: string, key: string): HTMLInputElement | HTMLSelectElement {
    const common = { 'data-field': key, 'data-region': region, id: `len-${region}`, 'aria-label': `Needle length on ${app.regionName(region)} in mm` };
    const current = Number(lengths.get(region));
    if (choice.kind === 'fixed') {
      lengths.set(region, String(choice.mm));
      return h('input', { ...common, type: 'number', value: String(choice.mm), readonly: true, 'aria-readonly': 'true', class: 'fixed-length' });
    }
    if (choice.kind === 'steps' && choice.steps.length) {
      const value = String(fitLength(choice, Number.isFinite(current) && current > 0 ? current : choice.steps[0]));
      lengths.set(region, value);
      return select(choice.steps.map((v) => [String(v), `${v}`] as [string, string]), value, common);
    }
    const attrs = choice.kind === 'range' ? { min: choice.min, max: choice.max } : { min: 0.05, max: 5 };
    return h('input', { ...common, type: 'number', step: 0.05, ...attrs, value: lengths.get(region) });
  }
  function drawLengths() {
    const regions = map.selected();
    deviceNote.textContent = device.value ? `Needle length ${describeChoice(choice)}.` : 'Choose the device: it decides which needle lengths are possible.';
    lengthRows.replaceChildren(...(regions.length === 0 ? [h('p', { class: 'muted small' }, 'Choose the treated regions on the map.')] :
      regions.map((region, i) => {
        const area = planned.get(region);
        if (!lengths.has(region)) lengths.set(region, area ? String(area.device.length_mm) : '');
        const key = `needle_lengths/${i}/needle_length_mm`;
        const input = lengthControl(region, key);
        const note = h('span', { class: 'small length-notes' });
        const check = () => {
          lengths.set(region, input.value);
          const notes = lengthNotes(Number(input.value), area);
          note.replaceChildren(...(!area ? [h('span', { class: 'range-info' }, 'not in the plan')] :
            notes.map((n) => h('span', { class: `range-${n.level}` }, n.level === 'warn' ? `⚠ ${n.text}` : n.text))));
        };
        input.addEventListener('input', check);
        input.addEventListener('change', check);
        check();
        return h('div', { class: 'length-row', 'data-region': region },
          h('label', { for: input.id }, app.regionName(region)), h('span', { class: 'mm-input' }, input, ' mm'), note,
          h('div', { class: 'field-error', 'data-error-for': key, role: 'alert' }));
      })));
  }
  const loadDevice = async () => {
    choice = lengthChoice(await app.deviceGeometry(device.value));
    drawLengths();
  };
  device.addEventListener('change', () => void loadDevice());
  await loadDevice();

  const collect = (): SessionFields => {
    const regions = map.selected();
    const dirs = [...dirChecks.filter((d) => d.box.checked).map((d) => d.d), ...dirOther.value.split(',').map((x) => x.trim()).filter(Boolean)];
    const int = (v: string) => (v.trim() === '' ? 0 : Math.round(Number(v)));
    return {
      date: date.value,
      status: status.value as 'planned' | 'performed',
      device: device.value,
      needle_lengths: regions.map((region) => ({ region, needle_length_mm: Number(lengths.get(region) || 0) })),
      lot_number: lot.value.trim(),
      passes: int(passes.value),
      directions: dirs.join(', '),
      anaesthetic: anaesthetic.value.trim(),
      anaesthetic_minutes: int(minutes.value),
      end_point: endPoint.value.trim(),
      products_applied: products.value.trim(),
      notes: notes.value,
    };
  };

  const saveButton = h('button', { type: 'submit', class: 'primary', id: 'save-session' }, 'Save');
  const signButton = h('button', { type: 'button', id: 'sign-session', disabled: !app.can('sign'),
    'aria-describedby': app.can('sign') ? null : 'sign-role-note' }, 'Sign and lock…');
  const message = h('span', { role: 'status', id: 'session-message' });

  // ---- the treatment gate: what the record says before this session may be performed or signed
  const ticked = new Set<string>((s.acknowledged_cautions ?? []).map((c) => (typeof c === 'string' ? c : c.id)));
  // Each caution's words as seen on this screen: an acknowledgement dropped later is named by them.
  const cautionWords = new Map<string, string>((s.acknowledged_cautions ?? []).flatMap((c) => (typeof c === 'string' ? [] : [[c.id, c.message] as [string, string]])));
  const droppedNote = h('p', { class: 'small gate-dropped', id: 'gate-dropped', role: 'status', hidden: true });
  /** Removes these acknowledgements from the form and says so in the gate panel. */
  const removeAcknowledgements = (ids: readonly string[]) => {
    const gone = ids.filter((id) => ticked.has(id));
    if (gone.length === 0) return;
    gone.forEach((id) => ticked.delete(id));
    droppedNote.textContent = droppedCautionsNotice(gone, cautionWords);
    droppedNote.hidden = false;
  };
  /** The cautions the gate reports now: their words kept, an acknowledgement of any other removed. */
  const adoptCautions = (reported: readonly GateCaution[]) => {
    for (const c of reported) cautionWords.set(c.id, c.message);
    removeAcknowledgements(unreportedAcknowledgements(ticked, reported));
  };
  let gate: Gate | null = null;
  let gateStale = false;
  // The session's passages through the gate (a save may add one): an override made when it was
  // marked performed holds at signing while the same conditions are open.
  let passages = s.gate_passages ?? [];
  const keptOverride = (open: GateCondition[]) => (sessionStatus === 'performed' && open.length ? overrideInForce(passages, open) : null);
  const overrideReason = h('textarea', { id: 'override-reason', rows: 2, 'data-field': 'override_reason', 'aria-describedby': 'override-hint' });
  const gatePanel = h('section', { class: 'panel gate-panel', id: 'gate-panel', 'aria-labelledby': 'gate-title', hidden: true });
  const gateNote = h('p', { class: 'small gate-stale', id: 'gate-stale', hidden: true }, 'Checked against the saved session: save to check your changes.');
  // The reason goes with the request only while the override is offered (conditions open): the
  // server refuses a reason with nothing to set aside rather than drop it.
  let overrideOffered = false;
  const confirmation = (): GateConfirmation => ({ acknowledged_cautions: [...ticked], override_reason: overrideOffered ? overrideReason.value : '' });
  const focusField = (key: string) => {
    const target = key === 'cautions' ? gatePanel.querySelector<HTMLElement>('input[data-caution]')
      : key === 'needle_lengths' ? form.querySelector<HTMLElement>('.length-row input, .length-row select') ?? map.element.querySelector<HTMLElement>('[data-region]')
        : form.querySelector<HTMLElement>(`[data-field="${CSS.escape(key)}"]`);
    target?.scrollIntoView({ block: 'center' });
    target?.focus();
  };
  const renderGate = () => {
    if (!gate) { gatePanel.hidden = true; overrideOffered = false; return; }
    gatePanel.hidden = false;
    const open = openConditions(gate.unmet, gate.cautions, ticked);
    const allowed = open.length === 0;
    const kept = keptOverride(open);
    gatePanel.dataset.allowed = String(allowed);
    gatePanel.dataset.overridden = String(!!kept);
    const cautionList = gate.cautions.length === 0 ? null : h('fieldset', { class: 'gate-cautions', id: 'gate-cautions' },
      h('legend', null, 'Screening cautions: acknowledge each one'),
      gate.cautions.map((c) => {
        const id = `caution-${c.id}`;
        const box = h('input', { type: 'checkbox', id, 'data-caution': c.id, checked: ticked.has(c.id) });
        box.addEventListener('change', () => {
          if (box.checked) ticked.add(c.id); else ticked.delete(c.id);
          app.setUnsaved('session', true);
          renderGate();
          (gatePanel.querySelector(`#${CSS.escape(id)}`) as HTMLElement | null)?.focus();
        });
        return h('div', { class: 'gate-caution' }, box, h('label', { for: id }, c.message));
      }));
    const conditionItem = (c: GateCondition) => {
      const place = conditionPlace(c);
      const go = place.field && place.field !== 'cautions'
        ? h('button', { type: 'button', class: 'link small', onclick: () => focusField(place.field!) }, place.action)
        : place.tab ? h('a', { class: 'small', href: `#/patients/${p.id}/${place.tab}` }, place.action) : null;
      return h('li', { 'data-condition': c.condition }, h('span', { class: 'gate-msg' }, c.message), ' ', go);
    };
    const canOverride = app.can('sign');
    overrideOffered = !allowed && canOverride;
    mount(gatePanel,
      h('div', { class: 'panel-head' },
        h('h2', { id: 'gate-title' }, 'Before treatment'),
        h('span', { class: `badge ${allowed ? 'ok' : kept ? 'warn' : 'decision-contraindicated'}`, id: 'gate-state' },
          allowed ? 'may be performed and signed' : `${open.length} condition${open.length === 1 ? '' : 's'} unmet${kept ? ', overridden' : ''}`),
        h('div', { class: 'spacer' }),
        h('span', { class: 'small muted' }, 'Screening on the session’s date: '),
        decisionBadge(gate.screening_decision, gate.deferred_until ? ` until ${formatDay(gate.deferred_until)}` : '')),
      gateNote,
      droppedNote,
      kept ? h('p', { class: 'small gate-kept', id: 'gate-kept' }, 'Overridden when it was marked performed, with the reason ',
        h('q', null, kept.reason), '. Signing keeps that reason; write another below only to replace it.') : null,
      open.length ? h('ul', { class: 'gate-unmet', id: 'gate-unmet' }, open.map(conditionItem)) : h('p', { class: 'small' }, 'Every condition is met.'),
      cautionList,
      gate.warnings.length ? h('div', { class: 'warnings', id: 'gate-warnings' }, h('h3', null, `Allowed, but note (${gate.warnings.length})`),
        warningList(gate.warnings)) : null,
      !allowed && canOverride ? h('details', { class: 'gate-override', open: overrideReason.value.trim() !== '' },
        h('summary', null, kept ? 'Replace the override’s reason' : 'Override the gate with a written reason'),
        h('div', { class: 'field' }, h('label', { for: overrideReason.id }, 'Reason for treating although the conditions above are unmet'), overrideReason,
          h('div', { class: 'hint', id: 'override-hint' }, 'Say why, in at least 10 characters. Stored with the session, shown on it for good, and audited. Leave empty to keep the gate.'),
          h('div', { class: 'field-error', 'data-error-for': 'override_reason', role: 'alert' }))) : null,
      !allowed && !canOverride ? h('p', { class: 'small muted' }, 'A practitioner may override the gate with a written reason.') : null);
    gateNote.hidden = !gateStale;
  };
  let gateError = '';
  const refreshGate = async () => {
    gateError = '';
    try {
      gate = await app.api.sessionGate(s.id);
      gateStale = false;
      adoptCautions(gate.cautions);
    } catch (e) {
      // A server without the gate (404) shows no panel; any other failure is said in it.
      if (!(e instanceof ApiError) || e.status !== 404) message.textContent = gateError = `Gate not checked: ${(e as Error).message}`;
    }
    renderGate();
  };
  /** A 409 "gate" refusal: its conditions and cautions are the gate's word now. */
  const showRefusal = (e: ApiError) => {
    const unmet = (e.details.unmet as GateCondition[] | undefined) ?? [];
    const cautions = (e.details.cautions as GateCaution[] | undefined) ?? gate?.cautions ?? [];
    gate = { ...(gate ?? { allowed: false, warnings: [], screening_decision: 'none', deferred_until: null, recap: null as unknown as GateRecap }), allowed: false, unmet, cautions };
    gateStale = false;
    adoptCautions(cautions);
    renderGate();
    for (const c of unmet) {
      const key = gateFieldKey(c.where);
      if (key && key !== 'acknowledged_cautions' && key !== 'intake') showFieldError(form, key, c.message);
    }
    gatePanel.scrollIntoView({ block: 'start' });
    gatePanel.querySelector<HTMLElement>('#gate-unmet li button, #gate-unmet li a, input[data-caution]')?.focus();
  };

  const signDialog = h('dialog', { id: 'sign-dialog', class: 'sign-dialog', 'aria-labelledby': 'sign-title' });
  const form: HTMLFormElement = h('form', { class: 'session-form', 'aria-label': 'Session record' },
    gatePanel,
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' }, h('h2', null, 'Regions and needle lengths'), map.element, lengthRows,
        h('div', { class: 'field-error', 'data-error-for': 'needle_lengths', role: 'alert' })),
      h('section', { class: 'panel form-grid' },
        h('h2', { class: 'wide' }, 'Device and technique'),
        field('Date', date, { key: 'date' }),
        field('Status', status, { key: 'status', hint: 'Performed: the treatment gate checks the record first.' }),
        h('div', { class: 'wide' }, field('Device', device, { key: 'device' }), deviceNote),
        field('Lot number', lot, { key: 'lot_number', hint: 'Scan the barcode or type it.' }),
        field('Passes', passes, { key: 'passes' }),
        h('div', { class: 'field wide' }, h('span', { class: 'label' }, 'Directions'),
          h('div', { class: 'chips-select' }, dirChecks.map((d) => d.el), dirOther),
          h('div', { class: 'field-error', 'data-error-for': 'directions', role: 'alert' })),
        field('Anaesthetic', anaesthetic, { key: 'anaesthetic' }),
        field('Minutes applied', minutes, { key: 'anaesthetic_minutes' }),
        field('End point', endPoint, { key: 'end_point', wide: true }),
        h('datalist', { id: 'end-points' }, ['uniform pinpoint bleeding', 'uniform erythema', 'erythema with mild oedema', 'stopped early (patient request)'].map((v) => h('option', { value: v }))),
        field('Products applied', products, { key: 'products_applied', wide: true }),
        field('Notes', notes, { key: 'notes', wide: true }))),
    h('div', { class: 'field-error', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions sticky-actions' }, saveButton, signButton,
      app.can('sign') ? null : h('span', { class: 'muted small', id: 'sign-role-note' }, 'A practitioner signs.'), message,
      h('span', { class: 'unsaved-flag', hidden: true }, 'Unsaved changes'), failureSlot()),
    signDialog);
  const tracked = app.trackForm(form, 'session');
  // A tick or the override's reason is sent with the next step; they do not change what the gate checked.
  form.addEventListener('input', (e) => {
    if (gatePanel.contains(e.target as Node)) return;
    if (gate && !gateStale) { gateStale = true; gateNote.hidden = false; }
  });

  /** Saves the form; 'gate' when the treatment gate refused to mark it performed. */
  const save = async (opts: { performed?: boolean; retry?: boolean } = {}): Promise<'ok' | 'gate' | 'error'> => {
    clearFieldErrors(form);
    clearSaveFailure(form);
    message.textContent = 'saving…';
    if (!opts.retry) droppedNote.hidden = true;
    if (opts.performed) status.value = 'performed';
    const fields = collect();
    const sent = fields.status === 'performed' ? withoutEmpty(confirmation()) : {};
    try {
      const body = { ...fields, row_version: rowVersion, ...sent };
      const updated = await app.api.updateSession(s.id, body);
      rowVersion = updated.row_version;
      tracked.saved();
      sessionStatus = updated.status;
      passages = updated.gate_passages ?? passages;
      // The page's head and the override banner say what was saved (performed, overridden).
      const badge = document.getElementById('session-status');
      if (badge) { badge.className = `badge big status-${updated.status}`; badge.textContent = updated.status; }
      overrideSlot.replaceChildren(gateOverrideBanner(app, updated) ?? '');
      // The gate for what was saved first: "Saved" then means the panel speaks of this version.
      await refreshGate();
      message.textContent = `Saved ${formatTime(new Date())}${updated.status === 'performed' ? ', performed' : ''}.`;
      if (updated.gate_override) message.textContent += ' The gate was overridden; the reason is kept with the session.';
      if (gateError) message.textContent += ` ${gateError}`;
      return 'ok';
    } catch (e) {
      message.textContent = '';
      // An acknowledged caution the screening no longer reports for what is saved (a new intake
      // since, another date or other regions): dropped, said, and the save tried again without it.
      const refusedAt = e instanceof ApiError && e.status === 400 ? refusedAcknowledgement(e.field) : null;
      const refusedId = refusedAt === null ? undefined : sent.acknowledged_cautions?.[refusedAt];
      if (refusedId !== undefined && ticked.has(refusedId)) {
        removeAcknowledgements([refusedId]);
        renderGate();
        return save({ ...opts, retry: true });
      }
      if (e instanceof ApiError && e.code === 'gate') {
        message.textContent = 'Not saved as performed: the treatment gate refuses (see “Before treatment”).';
        showRefusal(e);
        return 'gate';
      } else if (e instanceof ApiError && e.code === 'signed') {
        showFieldError(form, 'form', e.message);
        message.textContent = 'Refused: this session is signed.';
      } else showSaveFailure(form, e, 'the session', { fieldOf: sessionErrorKey });
      return 'error';
    }
  };
  let sessionStatus = s.status;
  const overrideSlot = h('div', { class: 'override-slot' }, gateOverrideBanner(app, s));
  form.addEventListener('submit', (e) => { e.preventDefault(); void save(); });

  /** The confirmation before signing: what is being signed, from the gate's recap. */
  const openSignDialog = async () => {
    const wasPlanned = status.value === 'planned';
    const saved = await save({ performed: true });
    if (saved === 'error') return;
    if (saved === 'gate') {
      // Keep what was typed (as it was, not performed) and show what blocks, with the override.
      if (wasPlanned) status.value = 'planned';
      if ((await save()) !== 'ok') return;
      message.textContent = 'Saved; not performed yet: the treatment gate refuses (see “Before treatment”).';
    }
    const g = gate;
    const recap = g?.recap;
    const open = g ? openConditions(g.unmet, g.cautions, ticked) : [];
    const kept = overrideReason.value.trim() ? null : keptOverride(open);
    const error = h('div', { class: 'field-error', role: 'alert', id: 'sign-error' });
    const confirmButton = h('button', { type: 'button', class: 'primary', id: 'confirm-sign' },
      !open.length ? 'Sign' : kept ? 'Sign (gate overridden)' : 'Override and sign');
    const cancel = h('button', { type: 'button', id: 'cancel-sign' }, 'Cancel');
    const fact = (label: string, value: Node | string) => [h('dt', null, label), h('dd', null, value || '—')];
    mount(signDialog,
      h('h2', { id: 'sign-title' }, 'Sign this session?'),
      h('p', { class: 'small' }, 'Signing locks the record: afterwards it is corrected only by dated amendments with a reason.'),
      recap ? h('dl', { class: 'facts recap', id: 'sign-recap' },
        fact('Patient', recap.patient?.name ?? p.name),
        fact('Date', formatDay(recap.date, undefined, 'long')),
        fact('Device', recap.device_name ?? app.deviceName(recap.device)),
        fact('Lot number', h('span', { id: 'recap-lot' }, recap.lot_number || 'none')),
        fact('Needle lengths', h('ul', { class: 'recap-lengths' }, recap.needle_lengths.map((n) =>
          h('li', null, `${n.region_name ?? app.regionName(n.region)}: ${formatMm(n.needle_length_mm)}`)))),
        fact('Consent', recap.consent ? `on record (text ${recap.consent.text_version})` : 'none current'),
        fact('Cautions acknowledged', recap.acknowledged_cautions?.length || ticked.size
          ? h('ul', null, (g!.cautions.filter((c) => ticked.has(c.id))).map((c) => h('li', null, c.message))) : 'none'),
        fact('Open warnings', recap.warnings?.length ? h('div', null, warningList(recap.warnings)) : 'none'))
        : h('p', { class: 'muted' }, 'The server gave no recap.'),
      open.length ? h('div', { class: 'override-banner' }, h('strong', null, 'Unmet: '), h('ul', null, open.map((c) => h('li', { 'data-condition': c.condition }, c.message))),
        app.can('sign') ? h('p', { class: 'small' }, overrideReason.value.trim() ? ['Override reason: ', h('q', null, overrideReason.value.trim())]
          : kept ? ['Overridden when it was marked performed; the signature keeps the reason ', h('q', null, kept.reason), '.']
            : 'Write the override reason under “Before treatment” first, or cancel and fix them.') : null) : null,
      error,
      h('div', { class: 'actions' }, confirmButton, cancel));
    confirmButton.disabled = open.length > 0 && !overrideReason.value.trim() && !kept;
    cancel.addEventListener('click', () => { signDialog.close(); signButton.focus(); });
    confirmButton.addEventListener('click', async () => {
      confirmButton.disabled = true;
      try {
        // Refused before: marked performed now, with the override's reason, then signed.
        if (sessionStatus !== 'performed') {
          const r = await save({ performed: true });
          if (r !== 'ok') { signDialog.close(); return; }
        }
        await app.api.signSession(s.id, rowVersion, confirmation());
        signDialog.close();
        void app.refresh();
      } catch (e) {
        confirmButton.disabled = false;
        if (e instanceof ApiError && e.code === 'gate') {
          signDialog.close();
          message.textContent = 'Not signed: the treatment gate refuses (see “Before treatment”).';
          showRefusal(e);
        } else {
          // A caution acknowledged here that the screening no longer reports: removed, said, signed again.
          const at = e instanceof ApiError && e.status === 400 ? refusedAcknowledgement(e.field) : null;
          const id = at === null ? undefined : [...ticked][at];
          if (id !== undefined) {
            removeAcknowledgements([id]);
            renderGate();
            error.textContent = `${droppedNote.textContent} Sign again if the rest still holds.`;
          } else error.textContent = saveFailure(e, 'the session', { done: 'signed' }).summary;
        }
      }
    });
    signDialog.showModal();
    confirmButton.disabled ? cancel.focus() : confirmButton.focus();
  };
  signButton.addEventListener('click', () => void openSignDialog());
  await refreshGate();

  return h('div', { class: 'page session' }, header(app, s, p),
    overrideSlot,
    planned.size ? null : h('p', { class: 'muted' }, 'This session has no plan: needle lengths are not compared with a plan.'),
    form,
    adverseEvents(app, p, s),
    supportNotice('The plan’s ranges shown here come from the planning engine and support a qualified practitioner’s decision; the practitioner decides what is done.'));
}

/**
 * The gate's warnings (the plan's own come back with it): three shown, the rest one click away,
 * so the form or the sign dialog's button is not pushed a screen down.
 */
function warningList(warnings: readonly string[]): Node[] {
  return [h('ul', null, warnings.slice(0, 3).map((w) => h('li', null, w))),
    ...(warnings.length > 3 ? [h('details', { class: 'more-warnings' }, h('summary', null, `${warnings.length - 3} more`),
      h('ul', null, warnings.slice(3).map((w) => h('li', null, w))))] : [])];
}

/** The amendments of each field, oldest first: the last one's new value is the current value. */
export function amendmentsByField(amendments: readonly Amendment[]): Map<string, Amendment[]> {
  const out = new Map<string, Amendment[]>();
  for (const a of [...amendments].sort((x, y) => x.id - y.id)) {
    const list = out.get(a.field) ?? [];
    list.push(a);
    out.set(a.field, list);
  }
  return out;
}

/** A needle_lengths value (JSON text) as "Cheek 1.5 mm, Forehead 0.5 mm"; the text if it is not such a list. */
function lengthsText(app: App, value: string): string {
  try {
    const list = JSON.parse(value) as NeedleLength[];
    if (Array.isArray(list)) return list.map((n) => `${app.regionName(n.region)} ${formatMm(n.needle_length_mm)}`).join(', ');
  } catch { /* shown as stored */ }
  return value;
}

function signedSession(app: App, s: TreatmentSession, p: PatientRecord): HTMLElement {
  const kb = app.kb!;
  const amendments = s.amendments ?? [];
  const byField = amendmentsByField(amendments);
  const current = (field: string): string | undefined => byField.get(field)?.at(-1)?.new_value;
  const shown = (field: string, value: string) =>
    field === 'needle_lengths' ? lengthsText(app, value) : field === 'device_id' ? app.deviceName(value)
      : field === 'session_date' ? formatDay(value) : amendedValue(app, field, value);
  /** The current value; when amended, marked so, with the original and each reason one click away. */
  const valueOf = (field: string, original: string | number, display: (v: string) => string | Node = (v) => shown(field, v)): Node | string => {
    const chain = byField.get(field);
    if (!chain) return original === '' || original === 0 ? '—' : display(String(original));
    const first = chain[0];
    return h('span', { class: 'amended-value', 'data-amended': field },
      h('span', { class: 'current-value' }, display(chain[chain.length - 1].new_value) || '—'), ' ',
      h('details', { class: 'amended' },
        h('summary', null, h('span', { class: 'badge amended-badge' }, chain.length > 1 ? `amended ×${chain.length}` : 'amended')),
        h('div', { class: 'amend-pop' },
          h('div', null, h('span', { class: 'muted' }, 'Original: '), h('span', { class: 'original-value' }, display(first.old_value) || '—')),
          h('ol', { class: 'amend-chain' }, chain.map((a) => h('li', null,
            `${formatInstant(a.amended_at)}, ${who(app, a.author_id)}: `, h('strong', null, display(a.new_value) || '—'),
            ' — ', h('span', { class: 'amend-reason' }, a.reason)))))));
  };
  const lengthsNow = current('needle_lengths');
  const regionsNow: NeedleLength[] = (() => {
    if (!lengthsNow) return s.needle_lengths;
    try { return JSON.parse(lengthsNow) as NeedleLength[]; } catch { return s.needle_lengths; }
  })();
  const map = createBodyMap({ regions: kb.regions, selected: regionsNow.map((n) => n.region), readonly: true, label: 'Regions treated' });
  const row = (label: string, value: string | number | Node) => [h('dt', null, label), h('dd', null, value === '' || value === 0 ? '—' : value)];
  const practitioner = current('practitioner_id');
  return h('div', { class: 'page session signed' }, header(app, s, p),
    h('div', { class: 'lock-banner', role: 'note', id: 'lock-banner' },
      `Signed ${formatInstant(s.signed_at)} by ${who(app, s.signed_by)}. This record is locked; corrections are dated amendments with a reason.`,
      amendments.length ? ` ${amendments.length} amendment${amendments.length > 1 ? 's' : ''}: amended values are shown as current.` : ''),
    gateOverrideBanner(app, s),
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel' }, h('h2', null, 'Regions and needle lengths'), map.element,
        byField.has('needle_lengths') ? h('p', null, valueOf('needle_lengths', '')) : null,
        h('table', { class: 'table compact', 'aria-label': 'Needle length per region' },
          h('thead', null, h('tr', null, h('th', null, 'Region'), h('th', null, 'Needle length'))),
          h('tbody', null, regionsNow.map((n) =>
            h('tr', null, h('td', null, app.regionName(n.region)), h('td', null, formatMm(n.needle_length_mm))))))),
      h('section', { class: 'panel' }, h('h2', null, 'Device and technique'),
        h('dl', { class: 'facts', id: 'session-facts' },
          row('Date', valueOf('session_date', s.date)),
          row('Practitioner', valueOf('practitioner_id', practitioner ?? s.practitioner_id ?? '', (v) => (Number(v) > 0 ? who(app, Number(v)) : '—'))),
          row('Device', valueOf('device_id', s.device)),
          row('Lot number', h('span', { id: 'lot-current' }, valueOf('lot_number', s.lot_number))),
          row('Passes', valueOf('passes', s.passes)), row('Directions', valueOf('directions', s.directions)),
          row('Anaesthetic', byField.has('anaesthetic') || byField.has('anaesthetic_minutes')
            ? h('span', null, valueOf('anaesthetic', s.anaesthetic), ', ', valueOf('anaesthetic_minutes', s.anaesthetic_minutes), ' min')
            : s.anaesthetic ? `${s.anaesthetic}, ${s.anaesthetic_minutes} min` : ''),
          row('End point', valueOf('end_point', s.end_point)), row('Products applied', valueOf('products_applied', s.products_applied)),
          row('Notes', valueOf('notes', s.notes)),
          s.acknowledged_cautions?.length ? row('Cautions acknowledged', h('ul', { class: 'plain-list' },
            s.acknowledged_cautions.map((c) => h('li', null, typeof c === 'string' ? c : c.message)))) : null),
        gatePassages(app, s))),
    h('section', { class: 'panel', 'aria-labelledby': 'amend-title' },
      h('h2', { id: 'amend-title' }, `Amendments (${amendments.length})`),
      amendments.length === 0 ? h('p', { class: 'muted' }, 'None.') :
        h('table', { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, 'When'), h('th', null, 'Field'), h('th', null, 'Was'), h('th', null, 'Now'), h('th', null, 'Reason'), h('th', null, 'By'))),
          h('tbody', null, amendments.map((a) => h('tr', null, h('td', null, formatInstant(a.amended_at)), h('td', null, FIELD_LABEL.get(a.field) ?? a.field),
            h('td', null, shown(a.field, a.old_value)), h('td', null, shown(a.field, a.new_value)), h('td', null, a.reason),
            h('td', { class: 'amend-author' }, who(app, a.author_id)))))),
      app.can('sign') ? amendmentForm(app, s) : h('p', { class: 'muted' }, 'A practitioner adds amendments.')),
    adverseEvents(app, p, s));
}

/** A refused treatment gate that a practitioner overrode: shown on the session for good. */
export function gateOverrideBanner(app: App, s: TreatmentSession): HTMLElement | null {
  const o = s.gate_override;
  if (!o) return null;
  return h('div', { class: 'override-banner', role: 'note', id: 'gate-override' },
    h('strong', null, 'Treatment gate overridden'),
    ` by ${who(app, o.by)} on ${formatInstant(o.at)}. Reason: `, h('q', { class: 'override-reason' }, o.reason),
    o.unmet?.length ? h('ul', null, o.unmet.map((u) => h('li', { 'data-condition': u.condition }, u.message))) : null);
}

/** Every passage through the treatment gate: when, by whom, at which step, overridden or not. */
function gatePassages(app: App, s: TreatmentSession): HTMLElement | null {
  const passages = s.gate_passages ?? [];
  if (passages.length === 0) return null;
  return h('details', { class: 'gate-passages', id: 'gate-passages' },
    h('summary', null, `Treatment gate: ${passages.length} passage${passages.length === 1 ? '' : 's'}`),
    h('ol', null, passages.map((g) => h('li', { 'data-step': g.step, 'data-overridden': String(g.overridden) },
      `${g.step === 'signed' ? 'Signed' : 'Marked performed'} ${formatInstant(g.passed_at)} by ${who(app, g.passed_by)}: `,
      g.overridden ? h('strong', null, `overridden (${g.unmet.length} unmet) — “${g.override_reason}”`) : 'every condition met',
      g.acknowledged_cautions?.length ? `; cautions acknowledged: ${g.acknowledged_cautions.map((c) => c.message).join('; ')}` : ''))));
}

/** The value in force of an amendable field (the record's name): its last amendment's new value, else the session's own. */
export function valueInForce(s: TreatmentSession, field: string): unknown {
  const chain = amendmentsByField(s.amendments ?? []).get(field);
  if (chain?.length) return chain[chain.length - 1].new_value;
  const key = field === 'session_date' ? 'date' : field === 'device_id' ? 'device' : field;
  return (s as unknown as Record<string, unknown>)[key];
}

/**
 * The control for a corrected value, as the field needs it (a device or practitioner by name, a
 * date, a number), holding the value in force to start from.
 */
function amendValueControl(app: App, s: TreatmentSession, field: string): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement {
  const attrs = { id: 'amend-value', 'data-field': 'new_value' };
  const current = valueInForce(s, field);
  const text = current === undefined || current === null ? '' : typeof current === 'string' ? current : JSON.stringify(current);
  switch (field) {
    case 'device_id':
      return select(app.kb!.devices.map((d) => [d.id, `${d.name} (${d.kind})`] as [string, string]), text, attrs);
    case 'practitioner_id': {
      // Who may perform a session: practitioners and admins who are not disabled (and whoever is recorded now).
      const staff = [...(app.staff?.values() ?? [])].filter((m) => (['practitioner', 'admin'].includes(String(m.role)) && !m.disabled) || String(m.id) === text);
      return select([...(staff.some((m) => String(m.id) === text) ? [] : [['', 'choose…'] as [string, string]]),
        ...staff.map((m) => [String(m.id), who(app, m.id)] as [string, string])], text, attrs);
    }
    case 'session_date': return h('input', { ...attrs, type: 'date', value: text });
    case 'passes': return h('input', { ...attrs, type: 'number', min: 0, max: 1000, value: text });
    case 'anaesthetic_minutes': return h('input', { ...attrs, type: 'number', min: 0, max: 600, value: text });
    case 'notes': return h('textarea', { ...attrs, rows: 3 }, text);
    default: return h('input', { ...attrs, value: text });
  }
}

function amendmentForm(app: App, s: TreatmentSession): HTMLElement {
  const fieldSel = select(AMENDABLE, 'lot_number', { id: 'amend-field', 'data-field': 'field' });
  let value = amendValueControl(app, s, fieldSel.value);
  const valueField = field('Corrected value', value, { key: 'new_value' });
  fieldSel.addEventListener('change', () => {
    const next = amendValueControl(app, s, fieldSel.value);
    value.replaceWith(next);
    value = next;
    valueField.querySelector('label')?.setAttribute('for', next.id);
  });
  const reason = h('input', { id: 'amend-reason', 'data-field': 'reason', required: true });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Add amendment');
  const form = h('form', { class: 'form-grid', 'aria-label': 'Add an amendment' },
    field('Field', fieldSel, { key: 'field' }), valueField,
    field('Reason', reason, { key: 'reason', wide: true }),
    h('div', { class: 'field-error wide', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions wide' }, button),
    failureSlot());
  app.trackForm(form, 'amendment');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    clearSaveFailure(form);
    let newValue: unknown = value.value;
    if (fieldSel.value === 'needle_lengths') {
      try { newValue = JSON.parse(value.value); } catch { showFieldError(form, 'new_value', 'Give a JSON list, e.g. [{"region":"cheek","needle_length_mm":1.5}].'); return; }
    } else if (['passes', 'anaesthetic_minutes', 'practitioner_id'].includes(fieldSel.value)) newValue = Number(value.value);
    try {
      // The value this correction supersedes, as shown: another practitioner's amendment since
      // is a 409 at /old_value, not silently overwritten.
      const oldValue = valueInForce(s, fieldSel.value);
      await app.api.amendSession(s.id, { field: fieldSel.value, new_value: newValue, old_value: oldValue, reason: reason.value.trim() });
      void app.refresh();
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'server' && sessionErrorKey(err.field) === 'old_value')
        form.querySelector('[data-save-failure]')!.textContent = `The amendment was not saved: ${err.message} (reload the page to see it).`;
      else showSaveFailure(form, err, 'the amendment', { fieldOf: sessionErrorKey });
    }
  });
  return form;
}

function adverseEvents(app: App, p: PatientRecord, s: TreatmentSession): HTMLElement {
  const events = p.adverse_events.filter((e) => e.session_id === s.id);
  const type = h('input', { list: 'ae-types', 'data-field': 'type', id: 'ae-type' });
  const severity = select([['mild', 'mild'], ['moderate', 'moderate'], ['severe', 'severe']], 'mild', { 'data-field': 'severity', id: 'ae-severity' });
  const onset = h('input', { type: 'date', value: todayLocal(), 'data-field': 'onset', id: 'ae-onset' });
  const notes = h('input', { 'data-field': 'notes', id: 'ae-notes' });
  const form = h('form', { class: 'form-grid', 'aria-label': 'Record an adverse event' },
    field('Event', type, { key: 'type' }), field('Severity', severity, { key: 'severity' }), field('Onset', onset, { key: 'onset' }),
    field('Notes', notes, { key: 'notes' }),
    h('datalist', { id: 'ae-types' }, ['prolonged erythema', 'post-inflammatory hyperpigmentation', 'herpes simplex flare', 'infection', 'contact dermatitis', 'tram-track scarring', 'milia'].map((v) => h('option', { value: v }))),
    h('div', { class: 'field-error wide', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions wide' }, h('button', { type: 'submit' }, 'Record adverse event')),
    failureSlot());
  app.trackForm(form, 'adverse-event');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    clearSaveFailure(form);
    try {
      await app.api.addAdverseEvent(p.id, { session_id: s.id, type: type.value.trim(), severity: severity.value, onset: onset.value, notes: notes.value || undefined });
      void app.refresh();
    } catch (err) {
      showSaveFailure(form, err, 'the adverse event', { fieldOf: sessionErrorKey });
    }
  });
  return h('section', { class: 'panel' }, h('h2', null, `Adverse events after this session (${events.length})`),
    events.length === 0 ? h('p', { class: 'muted' }, 'None recorded.') :
      h('table', { class: 'table' }, h('tbody', null, events.map((e) => h('tr', null,
        h('td', null, e.type), h('td', null, h('span', { class: `badge sev-${e.severity}` }, e.severity)),
        h('td', null, `from ${formatDay(e.onset)}`), h('td', null, e.resolved ? `resolved ${formatDay(e.resolved)}` : 'unresolved'), h('td', null, e.notes),
        h('td', { class: 'muted small' }, e.recorded_by ? `recorded by ${who(app, e.recorded_by)}` : ''))))),
    app.can('clinical') ? form : h('p', { class: 'muted small' }, 'Your role may read adverse events; a practitioner records them.'));
}
