// Planning a course: indication, regions on the face and body map, start date and device go to
// the planning engine (POST /api/plan with the patient's latest intake); the answer is shown as
// it is: device, needle length per region against that region's skin, the dated schedule,
// preparation, procedure, aftercare, warnings and the sources' disagreements. The simulation
// of the planned technique sits beside it.

import type { App } from '../app';
import { ApiError } from '../api';
import { formatDay, formatInstant, todayLocal } from '../dates';
import { depthStyle, formatMm, formatRange } from '../render/depth';
import { createBodyMap } from '../ui/bodymap';
import { clearFieldErrors, clearSaveFailure, failureSlot, showSaveFailure, debounce, field, h, select, showFieldError, sourcesLine, supportNotice, type Child, hiddenTh } from '../ui/dom';
import { mergeWarnings, topWarnings, type MergedWarning } from '../plan-summary';
import { aftercareTimeline, courseTimeline, depthBar } from '../ui/graphics';
import { aftercareWhen } from '../render/timeline';
import type { Plan, PatientRecord, StoredPlan } from '../types';
import { decisionBadge } from './screening';
import { simulationPanel } from './simulation';
import { planDocuments } from './documents';

/** "3–5", or "42" when both ends agree ("42–42 days" reads as a typing error). */
export function span(range: { min: number; max: number }): string {
  return range.min === range.max ? String(range.min) : `${range.min}–${range.max}`;
}

/**
 * The plan tab. `onPlansChanged` is told the number of saved plans after a save (the patient's
 * tab strip shows it).
 */
export async function planTab(app: App, patient: PatientRecord, onPlansChanged: (count: number) => void = () => {}): Promise<HTMLElement> {
  const kb = app.kb!;
  const latestIntake = patient.intakes[0];
  const saved = patient.plans;
  const root = h('div', { class: 'plan-tab' });

  // The saved plans, newest first, at the top of the tab: what a returning patient has been
  // planned is what the practitioner looks for first, and a plan just saved is its top row (the
  // note by Save names it and jumps there). Drawn again whenever a plan is saved from this screen.
  const savedList = h('section', { class: 'panel', id: 'saved-plans', 'aria-labelledby': 'saved-plans-title' });
  let justSaved: number | null = null;
  const drawSaved = () => {
    savedList.hidden = saved.length === 0;
    savedList.replaceChildren(
      h('h2', { id: 'saved-plans-title' }, `Saved plans (${saved.length})`),
      h('table', { class: 'table stack' },
        h('thead', null, h('tr', null, h('th', null, 'Plan'), h('th', null, 'Indication'), h('th', null, 'Regions'), h('th', null, 'First session'), h('th', null, 'Saved'), h('th', null, 'By'), hiddenTh('Show'))),
        h('tbody', null, [...saved].reverse().map((p) => h('tr', { 'data-plan': String(p.id), class: p.id === justSaved ? 'just-saved' : null, tabindex: p.id === justSaved ? -1 : null },
          h('td', { 'data-label': 'Plan' }, `#${p.id}`),
          h('td', { 'data-label': 'Indication' }, p.plan.indication_name ?? p.indication),
          h('td', { 'data-label': 'Regions', class: 'stack-wide' }, p.plan.areas?.map((a) => a.region_name).join(', ')),
          h('td', { 'data-label': 'First session' }, formatDay(p.plan.sessions?.[0]?.date)),
          h('td', { 'data-label': 'Saved' }, formatInstant(p.created_at)),
          h('td', { 'data-label': 'By' }, app.userName(p.created_by)),
          h('td', { class: 'stack-action' }, h('button', { type: 'button', class: 'small', onclick: () => showSaved(p), 'aria-label': `Show plan #${p.id}` }, 'Show'), ' ', planDocuments(p.id, 'saved-')))))));
  };
  drawSaved();

  const output = h('div', { class: 'plan-output', 'aria-live': 'polite' });
  const showSaved = (p: StoredPlan) => {
    output.replaceChildren(h('p', { class: 'saved-note' }, `Saved plan #${p.id} of ${formatInstant(p.created_at)} (as computed then).`,
      ' ', h('a', { href: `#/patients/${patient.id}/sessions` }, 'Document a session from it →')),
    renderPlan(app, p.plan));
    output.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  if (!latestIntake) {
    root.append(h('section', { class: 'panel' }, h('h2', null, 'Course plan'),
      h('p', null, 'The planning engine reads the patient’s intake. ', h('a', { href: `#/patients/${patient.id}/intake` }, 'Save an intake first.'))));
    root.append(savedList);
    return root;
  }
  root.append(savedList);

  // ---- the choices
  const last = saved[saved.length - 1];
  const indication = select([['', 'choose the indication…'], ...kb.indications.map((i) => [i.id, `${i.name} (${i.treatment_class})`] as [string, string])],
    last?.indication ?? '', { id: 'plan-indication', 'data-field': 'indication' });
  const start = h('input', { type: 'date', id: 'plan-start', min: todayLocal(), 'data-field': 'start' });
  const device = select([['', 'knowledge-base default'], ...kb.devices.map((d) => [d.id, `${d.name} (${d.kind})`] as [string, string])], '',
    { id: 'plan-device', 'data-field': 'device' });
  const map = createBodyMap({
    regions: kb.regions,
    selected: last?.plan.areas?.map((a) => a.region) ?? [],
    label: 'Regions to treat',
    onChange: () => { preview(); app.setUnsaved('plan', true); },
  });
  const status = h('span', { class: 'muted small', role: 'status' });
  const saveButton = h('button', { type: 'button', class: 'primary', id: 'save-plan', disabled: !app.can('plan') }, 'Save plan');
  const savedNote = h('span', { role: 'status' });
  const form = h('form', { class: 'plan-form', 'aria-label': 'Plan a course', onsubmit: (e: Event) => e.preventDefault() },
    h('div', { class: 'form-grid' },
      field('Indication', indication, { key: 'indication' }),
      field('First session no earlier than', start, { key: 'start', hint: 'Empty: as early as preparation allows.' }),
      field('Device', device, { key: 'device' })),
    h('div', { class: 'field wide' },
      h('span', { class: 'label', id: 'map-label' }, 'Regions (click, or Tab and Space)'),
      map.element,
      h('div', { class: 'field-error', 'data-error-for': 'areas', role: 'alert' }),
      h('p', { class: 'muted small' }, 'None chosen: the indication’s typical regions.')),
    h('div', { class: 'field-error', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions sticky-actions' }, saveButton, status, savedNote, h('span', { class: 'unsaved-flag', hidden: true }, 'Unsaved plan'),
      app.can('plan') ? null : h('span', { class: 'muted small' }, 'Your role may preview plans; a practitioner saves them.'), failureSlot()));

  const tracked = app.trackForm(form, 'plan');
  const request = () => ({
    indication: indication.value,
    areas: map.selected(),
    start: start.value || undefined,
    device: device.value || undefined,
    date: todayLocal(),
  });
  let seq = 0;
  const preview = debounce(async () => {
    clearFieldErrors(form);
    if (!indication.value) {
      output.replaceChildren(h('p', { class: 'muted' }, 'Choose an indication to see the plan.'));
      return;
    }
    const mine = ++seq;
    status.textContent = 'planning…';
    try {
      const plan = await app.api.plan({ intake: latestIntake.intake, ...request() });
      if (mine !== seq) return;
      status.textContent = '';
      output.replaceChildren(renderPlan(app, plan, map));
    } catch (e) {
      if (mine !== seq) return;
      status.textContent = '';
      if (e instanceof ApiError) showFieldError(form, e.field?.split('/')[1] ?? 'form', e.message);
      else showFieldError(form, 'form', String(e));
    }
  }, 300);
  for (const el of [indication, start, device]) el.addEventListener('change', () => preview());

  saveButton.addEventListener('click', async () => {
    if (!indication.value) {
      showFieldError(form, 'indication', 'Choose an indication.');
      return;
    }
    saveButton.disabled = true;
    clearFieldErrors(form);
    clearSaveFailure(form);
    savedNote.replaceChildren();
    try {
      const r = await app.api.addPlan(patient.id, request());
      tracked.saved();
      justSaved = r.id;
      // Where it went: the top row of the saved plans, one click away (a button: a #fragment
      // link would be taken for a route).
      const jump = h('button', { type: 'button', class: 'link', id: 'to-saved-plans', onclick: () => {
        savedList.scrollIntoView({ behavior: 'smooth', block: 'start' });
        savedList.querySelector<HTMLElement>(`tr[data-plan="${r.id}"]`)?.focus({ preventScroll: true });
      } }, 'top of Saved plans ↑');
      savedNote.replaceChildren(h('span', { class: 'saved-where' }, `Saved as plan #${r.id}, now at the `, jump, '. '),
        planDocuments(r.id), ' ', h('a', { href: `#/patients/${patient.id}/sessions`, id: 'to-sessions' }, 'Document a session →'));
      output.replaceChildren(renderPlan(app, r.plan, map));
      // The list shows the plan at once: as stored (read back), else as this screen knows it.
      let stored: StoredPlan[] | null = null;
      try {
        stored = (await app.api.patient(patient.id)).plans;
      } catch { /* the saved plan is shown from the response below */ }
      if (!stored?.some((p) => p.id === r.id))
        stored = [...saved, { id: r.id, patient_id: patient.id, indication: indication.value, plan: r.plan, created_by: app.user!.id, created_at: new Date().toISOString() }];
      saved.splice(0, saved.length, ...stored);
      drawSaved();
      onPlansChanged(saved.length);
    } catch (e) {
      showSaveFailure(form, e, 'the plan', { fieldOf: (path) => path?.split('/')[1] ?? null });
    } finally {
      saveButton.disabled = !app.can('plan');
    }
  });

  root.append(
    h('section', { class: 'panel' }, h('h2', null, 'Plan a course'),
      h('p', { class: 'muted small' }, `Uses intake version ${latestIntake.version} (`, decisionBadge(latestIntake.screening.decision), `).`),
      form),
    output);
  preview();
  return root;
}

/** The plan exactly as the engine returned it, with the simulation beside it. */
export function renderPlan(app: App, plan: Plan, map?: { setFills(f: Map<string, string>): void }): HTMLElement {
  const fills = new Map(plan.areas.map((a) => [a.region, depthStyle(a.depth_check).colour]));
  map?.setFills(fills);
  const merged = mergeWarnings(plan);
  const top = topWarnings(merged, 3);
  const depthMap = map ? null : createBodyMap({ regions: app.kb!.regions, selected: plan.areas.map((a) => a.region), fills, readonly: true, label: 'Planned regions by depth' });
  const warningItem = (w: MergedWarning) => h('li', { class: 'merged-warning' },
    w.regions.length ? h('strong', { class: 'warning-regions' }, `${w.regions.join(', ')}: `) : null, w.text,
    w.variants.length ? h('details', { class: 'warning-variants' }, h('summary', null, `per region (${w.variants.length})`),
      h('ul', null, w.variants.map((v) => h('li', null, v.text)))) : null);
  const first = plan.sessions[0];
  const lastSession = plan.sessions[plan.sessions.length - 1];

  // The summary: what a practitioner needs before anything else.
  const summary = h('section', { class: 'panel plan-summary', 'data-indication': plan.indication },
    h('div', { class: 'panel-head' },
      h('h2', null, plan.indication_name),
      h('span', { class: `badge class-${plan.treatment_class}` }, `${plan.treatment_class} needling`),
      plan.physician_required ? h('span', { class: 'badge warn' }, 'physician required') : null,
      h('div', { class: 'spacer' }),
      decisionBadge(plan.screening.decision, plan.screening.earliest_date ? ` until ${formatDay(plan.screening.earliest_date)}` : '')),
    h('p', { class: `plan-status ${plan.treatable ? '' : 'not-treatable'}` }, plan.status),
    h('dl', { class: 'facts summary-facts' },
      h('dt', null, 'Device'), h('dd', null, plan.device.name, ` (${plan.device.kind}${plan.device.single_use ? ', single use' : ''}) `, sourcesLine(plan.device.sources)),
      h('dt', null, 'Needle lengths'), h('dd', { id: 'summary-lengths' }, plan.areas.map((a, i) => [i ? ', ' : '',
        h('span', { class: 'summary-length', 'data-region': a.region }, `${a.region_name} ${formatMm(a.device.length_mm)}`)])),
      h('dt', null, 'Dates'), h('dd', null,
        first ? `first session ${formatDay(first.date)}` : 'no session dated',
        lastSession && lastSession !== first ? `, last ${formatDay(lastSession.date)}` : '',
        ` (${span(plan.session_count)} sessions, ${span(plan.interval_days)} days apart)`,
        plan.assessment_date ? `; assessment ${formatDay(plan.assessment_date)}` : '')),
    top.length ? h('div', { class: 'warnings', role: 'note', id: 'top-warnings' },
      h('h3', null, merged.length > top.length ? `Warnings (${top.length} of ${merged.length})` : `Warnings (${merged.length})`),
      h('ul', null, top.map(warningItem)),
      merged.length > top.length ? h('p', { class: 'small' }, h('a', { href: '#all-warnings', onclick: (e: Event) => {
        e.preventDefault();
        const d = document.getElementById('all-warnings') as HTMLDetailsElement | null;
        if (d) { d.open = true; d.scrollIntoView({ block: 'start' }); }
      } }, `All ${merged.length} warnings`)) : null) : null);

  const group = (id: string, title: string, open: boolean, ...content: Child[]) =>
    h('details', { class: 'panel plan-group', id, open }, h('summary', null, h('h2', null, title)), ...content);

  const details = group('plan-details', 'Course details', false,
    h('dl', { class: 'facts' },
      h('dt', null, 'Passes'), h('dd', null, `${span(plan.passes.count)}, ${plan.passes.directions.join(', ')} `, sourcesLine(plan.passes.sources)),
      h('dt', null, 'Anaesthesia'), h('dd', null, plan.anaesthesia.needed ? `${plan.anaesthesia.agent}, ${span(plan.anaesthesia.minutes)} min ` : 'not needed for this device ', sourcesLine(plan.anaesthesia.sources)),
      h('dt', null, 'Course'), h('dd', null, `${span(plan.session_count)} sessions, ${span(plan.interval_days)} days apart `, sourcesLine(plan.course_sources)),
      plan.assessment_date ? [h('dt', null, 'Assessment'), h('dd', null, formatDay(plan.assessment_date), ' ', sourcesLine(plan.assessment_sources))] : null));

  const allWarnings = merged.length === 0 ? null : group('all-warnings', `All warnings (${merged.length})`, false,
    h('p', { class: 'muted small' }, 'A warning that several regions repeat is listed once with the regions it applies to.'),
    h('ul', { class: 'warning-list' }, merged.map(warningItem)));

  const areas = group('plan-areas', 'Needle length per region', true,
    depthLegend(),
    h('div', { class: depthMap ? 'areas-layout' : '' },
      h('table', { class: 'table areas' },
        h('thead', null, h('tr', null, h('th', null, 'Region'), h('th', null, 'Needle'), h('th', null, 'Against the skin'), h('th', null, 'Reach'))),
        h('tbody', null, plan.areas.map((a) => {
          const st = depthStyle(a.depth_check);
          return h('tr', { 'data-region': a.region, class: `reach-${st.level}` },
            h('td', null, h('strong', null, a.region_name),
              a.pressure ? h('div', { class: 'small muted' }, `${a.pressure.value} pressure`) : null),
            h('td', null,
              h('div', { class: 'needle-mm' }, formatMm(a.device.length_mm)),
              h('div', { class: 'small muted' }, `indication ${formatRange(a.needle_length_mm)}`),
              a.needle_length_mm.basis === 'range-minimum'
                ? h('div', { class: 'small muted' }, 'no source names one length: the lower end; you choose within the range')
                : null,
              a.region_guide_mm ? h('div', { class: 'small muted' }, `region guide ${formatRange(a.region_guide_mm)}`) : null),
            h('td', { class: 'depth-cell' }, depthBar(a.depth_check),
              h('div', { class: 'small muted' },
                `epidermis ${a.depth_check.epidermis_um.min}–${a.depth_check.epidermis_um.max} µm · skin ${a.depth_check.skin_um.min}–${a.depth_check.skin_um.max} µm`)),
            h('td', null, h('span', { class: 'reach', style: { borderColor: st.colour } }, h('span', { class: 'key', style: { background: st.colour }, 'aria-hidden': 'true' }), st.label),
              h('div', { class: 'small muted' }, `${a.depth_check.depth_class} needling${a.depth_check.bleeding_expected ? ' · pinpoint bleeding expected' : ''}`),
              h('div', null, sourcesLine(a.depth_check.sources))));
        }))),
      depthMap ? h('div', { class: 'areas-map' }, depthMap.element) : null));

  const schedule = group('plan-schedule', 'Schedule', true,
    courseTimeline(plan.sessions, plan.preparation, plan.assessment_date),
    plan.sessions.length === 0 ? null : h('table', { class: 'table compact' },
      h('thead', null, h('tr', null, h('th', null, 'Session'), h('th', null, 'Earliest'), h('th', null, 'Latest'), h('th', null, 'Note'))),
      h('tbody', null, plan.sessions.map((s) => h('tr', null,
        h('td', null, String(s.number)), h('td', null, formatDay(s.date)), h('td', null, formatDay(s.latest_date)),
        h('td', null, s.optional ? h('span', { class: 'badge' }, 'optional, depends on response') : '')))))) ;

  const prep = group('plan-preparation', 'Preparation checklist', false,
    h('ul', { class: 'checklist' }, plan.preparation.map((t, i) => {
      const id = `prep-${i}`;
      return h('li', null, h('input', { type: 'checkbox', id }),
        h('label', { for: id }, h('span', { class: 'due' }, formatDay(t.due)), ` session ${t.session}: `, t.task, ' ',
          t.done_by === 'practitioner' ? h('span', { class: 'badge', title: 'Not on the patient’s handout or calendar' }, 'practitioner') : null, ' ',
          sourcesLine(t.sources),
          t.assumption ? h('div', { class: 'small muted' }, `Assumption: ${t.assumption}`) : null));
    })),
    h('p', { class: 'muted small' }, 'Ticks are a working aid on this screen; they are not stored.'));

  const procedure = group('plan-procedure', 'Procedure', false,
    h('ol', { class: 'steps' }, plan.procedure.map((p) => h('li', null, p.step, ' ', sourcesLine(p.sources)))));

  // On a phone the drawing is hidden (its words would be too small to read) and the list opens.
  const narrow = typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 760px)').matches;
  const aftercare = group('plan-aftercare', 'Aftercare after each session', false,
    h('div', { class: 'aftercare-timeline' }, aftercareTimeline(plan.aftercare)),
    h('details', { open: narrow }, h('summary', null, 'As a list'),
      h('ul', { id: 'aftercare-list' }, plan.aftercare.map((a) => h('li', { 'data-aftercare': a.id }, a.instruction, ' ',
        h('span', { class: 'muted' }, `(${aftercareWhen(a)})`), ' ', sourcesLine(a.sources),
        a.reading ? h('div', { class: 'small muted' }, `Reading: ${a.reading}`) : null)))));

  const disagreements = group('plan-disagreements', `Where the sources disagree (${plan.disagreements.length + plan.screening.findings.filter((f) => f.disagreement).length})`, false,
    plan.disagreements.length === 0 ? h('p', { class: 'muted' }, 'No disputed value in this plan’s own choices.') :
      plan.disagreements.map((d) => h('details', { class: 'disagreement' },
        h('summary', null, d.question, ' ', h('span', { class: 'muted small' }, `(${d.chosen_by === 'policy' ? 'clinic policy' : 'default'}: ${d.chosen})`)),
        h('ul', null, d.positions.map((p) => h('li', { class: p.id === d.chosen ? 'chosen' : '' },
          p.id === d.chosen ? h('strong', null, 'applied: ') : null, p.value, p.default ? (p.sources.some((id: string) => id.startsWith('seed-')) ? ' (default: the seed texts)' : ' (default)') : '', ' ', sourcesLine(p.sources)))))),
    plan.screening.findings.filter((f) => f.disagreement).map((f) => h('details', { class: 'disagreement' },
      h('summary', null, `Screening: ${f.title}`),
      h('p', null, f.message),
      h('ul', null, (f.other_positions ?? []).map((p) => h('li', null, p.value, ' ', sourcesLine(p.sources)))))));

  return h('div', { class: 'plan-view' },
    h('div', { class: 'plan-main' }, summary, areas, schedule, details, allWarnings, prep, procedure, aftercare, disagreements,
      supportNotice(plan.notice)),
    h('aside', { class: 'plan-side' }, simulationPanel(app, plan)));
}

function depthLegend(): HTMLElement {
  const levels = ['epidermis', 'dermis', 'dermis-or-beyond', 'beyond-dermis'] as const;
  return h('div', { class: 'legend' }, levels.map((l) => {
    const st = depthStyle({ nominal_reach: l });
    return h('span', { class: 'legend-item' }, h('span', { class: 'key', style: { background: st.colour } }), st.label);
  }));
}
