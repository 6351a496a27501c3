// Outcomes: scores on the knowledge base's scales over time (one chart per scale), before and
// after photos side by side for the same region and view, and adverse events.

import type { App } from '../app';
import { formatDay, todayLocal } from '../dates';
import { clearFieldErrors, clearSaveFailure, failureSlot, field, h, select, showFieldError, showSaveFailure } from '../ui/dom';
import { outcomeChart } from '../ui/graphics';
import { photoCompare } from '../ui/photo-compare';
import { sessionName } from '../session-name';
import type { PatientRecord, Photo, Scale, TreatmentSession } from '../types';

/** Before = the earliest "before" photo; after = the latest "after" (else "progress") photo, per region and view. */
export function photoPairs(photos: Photo[]): { region: string; view: string; before?: Photo; after?: Photo }[] {
  const groups = new Map<string, { region: string; view: string; before?: Photo; after?: Photo }>();
  const sorted = [...photos].sort((a, b) => (a.taken_on < b.taken_on ? -1 : a.taken_on > b.taken_on ? 1 : a.id - b.id));
  for (const p of sorted) {
    const key = `${p.region}|${p.view}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { region: p.region, view: p.view }));
    if (p.tag === 'before') { if (!g.before) g.before = p; }
    else if (p.tag === 'after' || !g.after || g.after.tag === 'progress') g.after = p;
  }
  return [...groups.values()];
}

async function scaleDetails(app: App, ids: string[]): Promise<Map<string, Scale>> {
  const out = new Map<string, Scale>();
  await Promise.all(ids.map(async (id) => {
    try {
      const found = await app.api.kbShow<Scale & { kind?: string }>(id);
      const scale = found.find((x) => x.kind === 'scale') ?? found[0];
      if (scale) out.set(id, scale);
    } catch {
      // a scale without details is charted on the range of its scores
    }
  }));
  return out;
}

export async function outcomesTab(app: App, patient: PatientRecord, onSaved: () => void): Promise<HTMLElement> {
  const kb = app.kb!;
  const scaleIds = [...new Set(patient.outcomes.map((o) => o.scale))];
  const details = await scaleDetails(app, scaleIds);
  const charts = scaleIds.map((id) => {
    const points = patient.outcomes.filter((o) => o.scale === id);
    const d = details.get(id);
    const scores = points.map((o) => o.score);
    const range = { min: d?.min ?? Math.min(...scores), max: d?.max ?? Math.max(...scores) };
    const name = d?.name ?? kb.scales.find((s) => s.id === id)?.name ?? id;
    const rows = [...points].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id));
    return [outcomeChart(points, range, name, d?.better, (r) => app.regionName(r)),
      h('details', { class: 'scores' }, h('summary', { class: 'small' }, `The scores (${rows.length})`),
        h('table', { class: 'table compact' },
          h('thead', null, h('tr', null, h('th', null, 'Date'), h('th', null, 'Region'), h('th', null, 'Score'), h('th', null, 'Assessed by'), h('th', null, 'Notes'))),
          h('tbody', null, rows.map((o) => h('tr', null, h('td', null, formatDay(o.date)), h('td', null, o.region ? app.regionName(o.region) : 'whole treated area'),
            h('td', { class: 'num' }, String(o.score)), h('td', { class: 'assessor' }, o.assessor_id ? app.userName(o.assessor_id) : '—'), h('td', null, o.notes))))))];
  });

  // ---- add a score
  // Outcomes are measured on scales with a better end; a classification (Fitzpatrick) is not one.
  const outcomeScales = kb.scales.filter((s) => !s.classification);
  const firstScale = scaleIds.find((id) => outcomeScales.some((s) => s.id === id)) ?? '';
  const scale = select([['', 'choose…'], ...outcomeScales.map((s) => [s.id, s.name] as [string, string])], firstScale, { id: 'outcome-scale', 'data-field': 'scale' });
  const score = h('input', { type: 'number', step: 'any', id: 'outcome-score', 'data-field': 'score' });
  const date = h('input', { type: 'date', value: todayLocal(), id: 'outcome-date', 'data-field': 'date' });
  const region = select([['', 'whole treated area'], ...kb.regions.map((r) => [r.id, r.name] as [string, string])], '', { id: 'outcome-region', 'data-field': 'region' });
  const range = h('div', { class: 'hint', id: 'outcome-scale-range' });
  score.setAttribute('aria-describedby', range.id);
  scale.addEventListener('change', async () => {
    range.textContent = '';
    if (!scale.value) return;
    const d = (await scaleDetails(app, [scale.value])).get(scale.value);
    if (d && d.min !== undefined) {
      score.min = String(d.min);
      score.max = String(d.max);
      score.step = d.step ? String(d.step) : 'any';  // whole grades on a graded scale
      range.textContent = d.better ? `${d.min}–${d.max}, ${d.better} is better` : `${d.min}–${d.max}, a classification (no better or worse end)`;
    }
  });
  if (scale.value) scale.dispatchEvent(new Event('change'));
  const outcomeForm = h('form', { class: 'form-grid', 'aria-label': 'Record a score' },
    h('div', { class: 'field wide' }, h('label', { for: 'outcome-scale' }, 'Scale'), scale, range, h('div', { class: 'field-error', 'data-error-for': 'scale', role: 'alert' })),
    field('Score', score, { key: 'score' }), field('Date', date, { key: 'date' }), field('Region', region, { key: 'region' }),
    h('div', { class: 'field-error wide', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions wide' }, h('button', { type: 'submit', class: 'primary', disabled: !app.can('clinical') }, 'Record score')),
    failureSlot());
  // A score or a photo chosen and not yet saved: leaving the screen asks first.
  app.trackForm(outcomeForm, 'outcome');
  outcomeForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(outcomeForm);
    clearSaveFailure(outcomeForm);
    // An empty box is no score (Number('') is 0, a real score on many scales).
    if (score.value.trim() === '') { showFieldError(outcomeForm, 'score', 'Enter the score.'); score.focus(); return; }
    try {
      await app.api.addOutcome(patient.id, { scale: scale.value, score: Number(score.value), date: date.value, region: region.value || undefined });
      app.toast('Score recorded.');
      onSaved();
    } catch (err) {
      showSaveFailure(outcomeForm, err, 'the score');
    }
  });

  // ---- photos
  const file = h('input', { type: 'file', accept: 'image/png,image/jpeg', id: 'photo-file', 'data-field': 'image_base64' });
  const pRegion = select(kb.regions.map((r) => [r.id, r.name] as [string, string]), patient.plans[patient.plans.length - 1]?.plan.areas?.[0]?.region ?? 'cheek', { id: 'photo-region', 'data-field': 'region' });
  const view = select([['frontal', 'frontal'], ['left oblique', 'left oblique'], ['right oblique', 'right oblique'], ['left lateral', 'left lateral'], ['right lateral', 'right lateral']], 'frontal', { id: 'photo-view', 'data-field': 'view' });
  const tag = select([['before', 'before'], ['progress', 'progress'], ['after', 'after']], patient.photos.length ? 'after' : 'before', { id: 'photo-tag', 'data-field': 'tag' });
  const taken = h('input', { type: 'date', value: todayLocal(), id: 'photo-date', 'data-field': 'taken_on' });
  const sessionsByDate = [...patient.sessions].sort((a, b) => (a.date < b.date ? 1 : -1));
  const named = (x: TreatmentSession): string => sessionName(x, patient.sessions, (d) => app.deviceName(d));
  const sessionOf = select([['', 'no session'], ...sessionsByDate.map((x) => [String(x.id), named(x)] as [string, string])],
    sessionsByDate.find((x) => x.date === todayLocal()) ? String(sessionsByDate.find((x) => x.date === todayLocal())!.id) : '', { id: 'photo-session', 'data-field': 'session_id' });
  const photoForm = h('form', { class: 'form-grid', 'aria-label': 'Add a photo' },
    field('Photo (PNG or JPEG)', file, { key: 'image_base64', wide: true }), field('Region', pRegion, { key: 'region' }), field('View', view, { key: 'view' }),
    field('Tag', tag, { key: 'tag' }), field('Taken on', taken, { key: 'taken_on' }),
    field('Belongs to', sessionOf, { key: 'session_id', hint: 'The session the photo documents.' }),
    h('div', { class: 'field-error wide', 'data-error-for': 'form', role: 'alert' }),
    h('div', { class: 'actions wide' }, h('button', { type: 'submit' }, 'Add photo')),
    failureSlot());
  app.trackForm(photoForm, 'photo');
  photoForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(photoForm);
    clearSaveFailure(photoForm);
    const f = file.files?.[0];
    if (!f) { showFieldError(photoForm, 'image_base64', 'Choose a PNG or JPEG file.'); return; }
    try {
      const base64 = await fileToBase64(f);
      await app.api.addPhoto(patient.id, { region: pRegion.value, view: view.value, tag: tag.value, taken_on: taken.value, image_base64: base64,
        session_id: sessionOf.value ? Number(sessionOf.value) : undefined });
      app.toast('Photo added.');
      onSaved();
    } catch (err) {
      showSaveFailure(photoForm, err, 'the photo');
    }
  });
  const pairs = photoPairs(patient.photos);
  const sessionLabel = (id: number) => {
    const x = patient.sessions.find((y) => y.id === id);
    return x ? named(x) : `session #${id}`;
  };
  const describe = (p: Photo) => `${p.tag} photo: ${app.regionName(p.region)}, ${p.view}, ${formatDay(p.taken_on)}`;

  const events = [...patient.adverse_events].sort((a, b) => (a.onset < b.onset ? 1 : -1));
  return h('div', { class: 'outcomes' },
    h('div', { class: 'grid-2 wide-left' },
      h('section', { class: 'panel' }, h('h2', null, 'Scores over time'),
        charts.length ? charts : h('p', { class: 'muted' }, 'No score recorded yet.')),
      h('section', { class: 'panel' }, h('h2', null, 'Record a score'),
        app.can('clinical') ? outcomeForm : h('p', { class: 'muted' }, 'Your role may read scores; a practitioner records them.'))),
    h('div', { class: 'grid-2 wide-left' },
      h('section', { class: 'panel' }, h('h2', null, 'Before and after'),
        pairs.length === 0 ? h('p', { class: 'muted' }, 'No photo yet.') :
          pairs.map((g) => photoCompare({
            photos: patient.photos.filter((p) => p.region === g.region && p.view === g.view),
            title: `${app.regionName(g.region)} · ${g.view}`, before: g.before, after: g.after, sessionLabel, describe,
          }))),
      h('section', { class: 'panel' }, h('h2', null, 'Add a photo'), photoForm)),
    h('section', { class: 'panel' }, h('h2', null, `Adverse events (${events.length})`),
      events.length === 0 ? h('p', { class: 'muted' }, 'None recorded. Record them on the session they followed.') :
        h('table', { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, 'Event'), h('th', null, 'Severity'), h('th', null, 'Onset'), h('th', null, 'Resolved'), h('th', null, 'Session'), h('th', null, 'Notes'), h('th', null, 'Recorded by'))),
          h('tbody', null, events.map((e) => h('tr', null, h('td', null, e.type), h('td', null, h('span', { class: `badge sev-${e.severity}` }, e.severity)),
            h('td', null, formatDay(e.onset)), h('td', null, e.resolved ? formatDay(e.resolved) : 'unresolved'),
            h('td', null, e.session_id ? h('a', { href: `#/sessions/${e.session_id}` }, `#${e.session_id}`) : '—'), h('td', null, e.notes),
            h('td', null, e.recorded_by ? app.userName(e.recorded_by) : '—')))))));
}

function fileToBase64(f: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(f);
  });
}
