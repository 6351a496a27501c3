// The intake as a form in plain clinical language, with the screening decision beside it,
// updated as the practitioner types (debounced POST /api/screen). Saving stores a new intake
// version with its screening (POST /api/patients/{id}/intakes).

import type { App } from '../app';
import { ApiError } from '../api';
import { formatDay, formatInstant, todayLocal } from '../dates';
import {
  emptyIntakeForm, formKeyForPath, formToIntake, intakeToForm,
  type ConditionRow, type IntakeForm, type MedicationRow, type ProcedureRow, type RowOrigins,
} from '../intake';
import { clearFieldErrors, clearSaveFailure, failureSlot, showSaveFailure, debounce, field, h, select, showFieldError, uid } from '../ui/dom';
import type { PatientRecord, VocabularyEntry } from '../types';
import { decisionBadge, screeningPanel } from './screening';

const YES_NO: [string, string][] = [['', 'not asked'], ['no', 'No'], ['yes', 'Yes']];
const FITZPATRICK: [string, string][] = [
  ['', 'not recorded'],
  ['1', 'I — always burns, never tans'],
  ['2', 'II — usually burns, tans minimally'],
  ['3', 'III — sometimes burns, tans uniformly'],
  ['4', 'IV — burns minimally, always tans'],
  ['5', 'V — rarely burns, tans darkly'],
  ['6', 'VI — never burns, deeply pigmented'],
];

export function intakeTab(app: App, patient: PatientRecord, onSaved: () => void): HTMLElement {
  const kb = app.kb!;
  const latest = patient.intakes[0];
  const form: IntakeForm = latest ? intakeToForm(latest.intake) : emptyIntakeForm();
  // The birth date and sex are the record's (the server refuses an intake that names others):
  // taken from the patient even when the last intake is copied, so a corrected record carries on.
  if (patient.birth_date) form.birth_date = patient.birth_date;
  if (['female', 'male', 'other', 'unknown'].includes(patient.sex)) form.sex = patient.sex as IntakeForm['sex'];
  else if (!latest) form.sex = '';
  let areas: string[] = latest?.screening?.areas ?? [];
  let origins: RowOrigins = { conditions: [], medications: [], procedures: [], allergies: [] };
  let seq = 0;

  const regionOptions: [string, string][] = [['', 'any area'], ...kb.regions.map((r) => [r.id, r.name] as [string, string])];
  const vocabOptions = (list: VocabularyEntry[], placeholder: string): [string, string][] =>
    [['', placeholder], ...list.map((e) => [e.code, e.name] as [string, string])];

  const result = h('div', { class: 'screening-live', 'aria-live': 'polite', id: 'screening-result' }, h('p', { class: 'muted' }, 'Screening…'));
  const status = h('span', { class: 'muted small', id: 'screening-status' });
  const formEl = h('form', { class: 'intake-form', 'aria-label': 'Intake' });

  // ---- live screening
  const runScreen = debounce(async () => {
    const mine = ++seq;
    const built = formToIntake(form);
    origins = built.origins;
    status.textContent = 'updating…';
    try {
      const r = await app.api.screen({ intake: built.intake, areas, date: todayLocal() });
      if (mine !== seq) return;
      clearFieldErrors(formEl);
      result.replaceChildren(screeningPanel(app, r));
      status.textContent = 'up to date';
    } catch (e) {
      if (mine !== seq) return;
      clearFieldErrors(formEl);
      if (e instanceof ApiError) {
        showFieldError(formEl, formKeyForPath(e.field, origins), e.message);
        status.textContent = 'paused: fix the highlighted field';
      } else {
        status.textContent = String(e);
      }
    }
  }, 350);
  const changed = () => { runScreen(); app.setUnsaved('intake', true); };

  // ---- controls bound to the form state
  const bindSelect = (options: [string, string][], get: () => string, set: (v: string) => void, key: string) => {
    const el = select(options, get(), { 'data-field': key });
    el.addEventListener('change', () => { set(el.value); changed(); });
    return el;
  };
  const bindInput = (type: string, get: () => string, set: (v: string) => void, key: string, attrs: Record<string, string> = {}) => {
    const el = h('input', { type, value: get(), 'data-field': key, ...attrs });
    el.addEventListener('input', () => { set(el.value); changed(); });
    return el;
  };
  const bindCheck = (get: () => boolean, set: (v: boolean) => void, key: string) => {
    const el = h('input', { type: 'checkbox', checked: get(), 'data-field': key });
    el.addEventListener('change', () => { set(el.checked); changed(); });
    return el;
  };

  const about = h('fieldset', { class: 'form-grid' },
    h('legend', null, 'Patient'),
    field('Birth date', bindInput('date', () => form.birth_date, (v) => (form.birth_date = v), 'birth_date', { max: todayLocal() }), { key: 'birth_date' }),
    field('Sex', bindSelect([['', 'not recorded'], ['female', 'female'], ['male', 'male'], ['other', 'other'], ['unknown', 'unknown']],
      () => form.sex, (v) => (form.sex = v as IntakeForm['sex']), 'sex'), { key: 'sex' }),
    field('Fitzpatrick skin type', bindSelect(FITZPATRICK, () => form.fitzpatrick, (v) => (form.fitzpatrick = v), 'fitzpatrick'), { key: 'fitzpatrick' }),
    field('Pregnant', bindSelect(YES_NO, () => form.pregnant, (v) => (form.pregnant = v as IntakeForm['pregnant']), 'pregnant'), { key: 'pregnant' }),
    field('Breastfeeding', bindSelect(YES_NO, () => form.breastfeeding, (v) => (form.breastfeeding = v as IntakeForm['breastfeeding']), 'breastfeeding'), { key: 'breastfeeding' }),
    field('Sensitive skin', bindSelect(YES_NO, () => form.sensitive_skin, (v) => (form.sensitive_skin = v as IntakeForm['sensitive_skin']), 'sensitive_skin'), { key: 'sensitive_skin' }),
    field('Dry skin', bindSelect(YES_NO, () => form.dry_skin, (v) => (form.dry_skin = v as IntakeForm['dry_skin']), 'dry_skin'), { key: 'dry_skin' }));

  // ---- the four lists
  interface ListDef<T> {
    key: 'conditions' | 'medications' | 'procedures' | 'allergies';
    title: string;
    asked: string;
    add: string;
    rows: () => T[];
    blank: () => T;
    cells: (row: T, i: number) => HTMLElement[];
  }
  const listSection = <T,>(def: ListDef<T>) => {
    const askedKey = `${def.key}_asked` as const;
    const body = h('div', { class: 'rows' });
    const askedBox = h('input', { type: 'checkbox', id: uid('asked'), checked: form[askedKey], 'data-field': def.key });
    const addButton = h('button', { type: 'button', class: 'small' }, def.add);
    const draw = () => {
      const rows = def.rows();
      body.replaceChildren(
        ...(rows.length === 0
          ? [h('p', { class: 'muted small' }, form[askedKey] ? 'Asked: none.' : 'Not asked yet.')]
          : rows.map((row, i) => h('div', { class: 'row' }, ...def.cells(row, i),
            h('button', { type: 'button', class: 'small link remove', 'aria-label': `Remove ${def.title.toLowerCase()} ${i + 1}`,
              onclick: () => { rows.splice(i, 1); draw(); focusAfterRemove(i); changed(); } }, 'Remove')))));
    };
    // The focus goes to the row that took the removed one's place, else the one before, else
    // the add button: not to the top of the page (the button that had it is gone).
    const focusAfterRemove = (i: number) => {
      const removes = body.querySelectorAll<HTMLElement>('button.remove');
      (removes[Math.min(i, removes.length - 1)] ?? addButton).focus();
    };
    askedBox.addEventListener('change', () => { form[askedKey] = askedBox.checked; draw(); changed(); });
    addButton.addEventListener('click', () => {
      def.rows().push(def.blank());
      form[askedKey] = true;
      askedBox.checked = true;
      draw();
      body.querySelector<HTMLElement>('.row:last-child select, .row:last-child input')?.focus();
      changed();
    });
    draw();
    return h('fieldset', { class: 'list-section', 'data-list': def.key },
      h('legend', null, def.title),
      h('div', { class: 'asked' }, askedBox, h('label', { for: askedBox.id }, def.asked)),
      h('div', { class: 'field-error', 'data-error-for': def.key, role: 'alert' }),
      body,
      addButton);
  };
  const rowField = (label: string, control: HTMLElement, key: string) => field(label, control, { key });

  const conditions = listSection<ConditionRow>({
    key: 'conditions', title: 'Conditions', asked: 'Asked about skin and general conditions', add: 'Add condition',
    rows: () => form.conditions, blank: () => ({ code: '', status: 'active', area: '', since: '' }),
    cells: (row, i) => [
      rowField('Condition', bindSelect(vocabOptions(kb.vocabulary.conditions, 'choose…'), () => row.code, (v) => (row.code = v), `conditions.${i}.code`), `conditions.${i}.code`),
      rowField('Status', bindSelect([['active', 'present now'], ['history', 'history of it'], ['denied', 'asked: not present']],
        () => row.status, (v) => (row.status = v as ConditionRow['status']), `conditions.${i}.status`), `conditions.${i}.status`),
      rowField('Area', bindSelect(regionOptions, () => row.area, (v) => (row.area = v), `conditions.${i}.area`), `conditions.${i}.area`),
      rowField('Since', bindInput('date', () => row.since, (v) => (row.since = v), `conditions.${i}.since`, { max: todayLocal() }), `conditions.${i}.since`),
    ],
  });
  const medications = listSection<MedicationRow>({
    key: 'medications', title: 'Medications', asked: 'Asked about medications (including recent ones)', add: 'Add medication',
    rows: () => form.medications, blank: () => ({ code: '', current: true, last_dose: '' }),
    cells: (row, i) => {
      const current = bindCheck(() => row.current, (v) => (row.current = v), `medications.${i}.current`);
      current.id = uid('current');
      return [
        rowField('Medication', bindSelect(vocabOptions(kb.vocabulary.medications, 'choose…'), () => row.code, (v) => (row.code = v), `medications.${i}.code`), `medications.${i}.code`),
        h('div', { class: 'field check' }, current, h('label', { for: current.id }, 'Taking it now'),
          h('div', { class: 'field-error', 'data-error-for': `medications.${i}.current`, role: 'alert' })),
        rowField('Last dose', bindInput('date', () => row.last_dose, (v) => (row.last_dose = v), `medications.${i}.last_dose`, { max: todayLocal() }), `medications.${i}.last_dose`),
      ];
    },
  });
  const procedures = listSection<ProcedureRow>({
    key: 'procedures', title: 'Previous procedures', asked: 'Asked about peels, laser, radiotherapy, fillers, surgery', add: 'Add procedure',
    rows: () => form.procedures, blank: () => ({ code: '', date: '', area: '' }),
    cells: (row, i) => [
      rowField('Procedure', bindSelect(vocabOptions(kb.vocabulary.procedures, 'choose…'), () => row.code, (v) => (row.code = v), `procedures.${i}.code`), `procedures.${i}.code`),
      rowField('Date', bindInput('date', () => row.date, (v) => (row.date = v), `procedures.${i}.date`, { max: todayLocal() }), `procedures.${i}.date`),
      rowField('Area', bindSelect(regionOptions, () => row.area, (v) => (row.area = v), `procedures.${i}.area`), `procedures.${i}.area`),
    ],
  });
  const allergyRows = { get list() { return form.allergies; } };
  const allergies = listSection<string>({
    key: 'allergies', title: 'Allergies', asked: 'Asked about allergies (metal, anaesthetic)', add: 'Add allergy',
    rows: () => allergyRows.list, blank: () => '',
    cells: (_row, i) => [
      rowField('Allergy', bindSelect(vocabOptions(kb.vocabulary.allergies, 'choose…'), () => form.allergies[i], (v) => (form.allergies[i] = v), `allergies.${i}`), `allergies.${i}`),
    ],
  });

  // ---- areas to be treated (area-specific rules)
  const areaBoxes = h('div', { class: 'chips-select', role: 'group', 'aria-label': 'Areas to be treated' },
    kb.regions.map((r) => {
      const id = uid('area');
      const box = h('input', { type: 'checkbox', id, value: r.id, checked: areas.includes(r.id) });
      box.addEventListener('change', () => {
        areas = box.checked ? [...areas, r.id] : areas.filter((a) => a !== r.id);
        changed();
      });
      return h('span', { class: 'chip-check' }, box, h('label', { for: id }, r.name));
    }));
  const areasSection = h('fieldset', null, h('legend', null, 'Areas to be treated'),
    h('p', { class: 'muted small' }, 'Rules that depend on the area (infection, warts, recent procedures there) use these.'),
    areaBoxes);

  // ---- save
  const save = h('button', { type: 'submit', class: 'primary', id: 'save-intake' }, 'Save intake');
  const saved = h('span', { class: 'muted', role: 'status' });
  formEl.append(about, conditions, medications, procedures, allergies, areasSection,
    h('div', { class: 'field-error', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions sticky-actions' }, save, saved,
      h('span', { class: 'unsaved-flag', hidden: true }, 'Unsaved changes'), failureSlot()));
  const tracked = app.trackForm(formEl, 'intake');
  formEl.addEventListener('submit', async (e) => {
    e.preventDefault();
    const built = formToIntake(form);
    origins = built.origins;
    save.disabled = true;
    clearFieldErrors(formEl);
    clearSaveFailure(formEl);
    try {
      const r = await app.api.addIntake(patient.id, { intake: built.intake, areas, date: todayLocal() });
      tracked.saved();
      saved.replaceChildren('Saved as version ', String(r.version), ' — ', decisionBadge(r.screening.decision));
      app.toast(`Intake saved as version ${r.version} (screening: ${r.screening.decision}).`);
      onSaved();
    } catch (err) {
      showSaveFailure(formEl, err, 'the intake', { fieldOf: (path) => formKeyForPath(path, origins) });
    } finally {
      save.disabled = false;
    }
  });

  const history = patient.intakes.length === 0 ? null : h('details', { class: 'panel history' },
    h('summary', null, `Saved intakes (${patient.intakes.length})`),
    h('table', { class: 'table' },
      h('thead', null, h('tr', null, h('th', null, 'Version'), h('th', null, 'Saved'), h('th', null, 'By'), h('th', null, 'Decision'), h('th', null, 'Knowledge base'))),
      h('tbody', null, patient.intakes.map((i) => h('tr', null,
        h('td', null, String(i.version)), h('td', null, formatInstant(i.created_at)), h('td', null, app.userName(i.created_by)),
        h('td', null, decisionBadge(i.screening?.decision ?? 'unknown'), i.screening?.earliest_date ? ` until ${formatDay(i.screening.earliest_date)}` : ''),
        h('td', null, i.knowledge_version))))));

  runScreen();
  return h('div', { class: 'split' },
    h('div', { class: 'split-main' }, formEl, history),
    h('aside', { class: 'split-side panel sticky', 'aria-labelledby': 'screening-title' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'screening-title' }, 'Screening'), status),
      result));
}
