// Practice outcomes (GET /api/outcomes, docs/outcomes.md): the practice's own results beside the
// published ones, for practitioners and admins. The filters live in the address
// (#/outcomes?by=indication,device&scale=...), so a view can be bookmarked; the page shows the
// score change by follow-up week with intervals, adverse events per 100 sessions by device,
// tables with n beside each figure, "too few" for withheld cells, the literature with its
// sources, and says on top that this is observational, not a trial.

import type { App } from '../app';
import { ApiError, query } from '../api';
import { formatDay } from '../dates';
import {
  chartScale, cohortLabel, DIMENSIONS, filtersQuery, layoutEventBars, layoutTrajectories, meanText, nText,
  parseFilters, rateText, SMALLEST_MIN_CELL, TOO_FEW,
  type Cohort, type CohortShown, type OutcomeFilters, type OutcomesReport,
} from '../render/practice-outcomes';
import { field, h, s, select, showFieldError, sourcesLine } from '../ui/dom';
import { fittedChart } from '../ui/graphics';

const SERIES_COLOURS = ['#1f6feb', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d'];

const DIMENSION_LABELS: Record<string, string> = {
  indication: 'Indication', region: 'Region', device: 'Device', 'needle-length': 'Needle length', sessions: 'Sessions',
  interval: 'Interval', fitzpatrick: 'Fitzpatrick type', sex: 'Sex', age: 'Age', practitioner: 'Practitioner', period: 'Period',
};

const OBSERVATIONAL = 'Observational, not a trial: these are this practice’s own patients, neither randomised nor blinded.';

export async function practiceOutcomesView(app: App, params: string[]): Promise<Node> {
  const filters = parseFilters(params[0] ?? '');
  const kb = app.kb!;
  const name = (dimension: string, value: string): string => {
    if (dimension === 'indication') return kb.indications.find((i) => i.id === value)?.name ?? value;
    if (dimension === 'region') return app.regionName(value);
    if (dimension === 'device') return kb.devices.find((d) => d.id === value)?.name ?? value;
    if (dimension === 'practitioner') return app.userName(Number(value));
    return value;
  };
  const form = filterForm(app, filters);
  const page = h('div', { class: 'practice-outcomes' },
    h('h1', null, 'Practice outcomes'),
    h('p', { class: 'notice observational', role: 'note' }, OBSERVATIONAL),
    form);
  let report: OutcomesReport;
  try {
    report = await app.api.request<OutcomesReport>('GET', '/api/outcomes' + filtersQuery(filters));
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) {
      showFieldError(form, (e.field ?? '').replace(/^\?/, '') || null, e.message);
      return page;
    }
    throw e;
  }
  const label = (c: Cohort) => cohortLabel(c, report.report.group_by, name);
  const scale = chartScale(report);
  const apiQuery = filtersQuery(filters);
  const parts: (Node | null)[] = [
    h('p', { class: 'notice' }, report.notice),
    h('p', { class: 'totals', id: 'outcomes-totals' },
      `${report.totals.courses} courses of ${report.totals.patients} patients, ${report.totals.sessions} sessions`,
      report.report.from || report.report.to ? ` · first session ${report.report.from ? `from ${formatDay(report.report.from)} ` : ''}${report.report.to ? `to ${formatDay(report.report.to)}` : ''}` : '',
      ` · cells under ${report.report.min_cell_patients} patients are given as “${TOO_FEW}” · as of ${formatDay(report.report.as_of)}`),
    h('p', { class: 'downloads' },
      h('a', { href: '/api/outcomes' + (apiQuery ? apiQuery + '&' : '?') + 'format=csv', download: 'practice-outcomes.csv' }, 'Download CSV'), ' · ',
      h('a', { href: '/api/outcomes/chart.png' + query({ ...Object.fromEntries(new URLSearchParams(apiQuery)), scale: scale || undefined }), target: '_blank', rel: 'noopener' }, 'Chart as PNG')),
    h('div', { class: 'grid-2 charts' },
      scale ? trajectoryChart(report, scale, label) : h('p', { class: 'muted' }, 'No scores before and after a first session yet.'),
      eventChart(report, name)),
    cohortTable(report, scale, label),
    needleTable(report),
    lotTable(report),
    literatureSection(report, label),
    h('details', { class: 'definitions' }, h('summary', null, 'How each figure is defined'),
      h('ul', null, report.definitions.map((d) => h('li', null, d))),
      h('h3', null, 'The comparisons, defined in advance'),
      h('ul', null, report.comparisons.map((d) => h('li', null, d))),
      h('p', { class: 'muted small' }, `Knowledge base ${report.knowledge_version}.`))];
  for (const part of parts) if (part) page.append(part);
  return page;
}

function filterForm(app: App, f: OutcomeFilters): HTMLFormElement {
  const kb = app.kb!;
  const dims = DIMENSIONS.filter((d) => d !== 'practitioner' || app.can('admin'));
  const boxes = dims.map((d) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'by', value: d, checked: f.by.includes(d) }), ' ', DIMENSION_LABELS[d] ?? d));
  const indication = select([['', 'All indications'], ...kb.indications.map((i) => [i.id, i.name] as [string, string])], f.indication,
    { id: 'outcomes-indication', name: 'indication' });
  const scale = select([['', 'Every outcome scale'], ...kb.scales.filter((x) => !x.classification).map((x) => [x.id, x.name] as [string, string])],
    f.scale, { id: 'outcomes-scale', name: 'scale' });
  const from = h('input', { type: 'date', id: 'outcomes-from', name: 'from', value: f.from });
  const to = h('input', { type: 'date', id: 'outcomes-to', name: 'to', value: f.to });
  const min = h('input', { type: 'number', id: 'outcomes-min-cell', name: 'min_cell', min: SMALLEST_MIN_CELL, max: 1000, step: 1, value: f.minCell });
  const form = h('form', { class: 'panel filters', id: 'outcomes-filters', 'aria-label': 'Report filters' },
    h('fieldset', { 'data-field': 'by' }, h('legend', null, 'Group by'), h('div', { class: 'checks' }, boxes),
      h('div', { class: 'field-error', role: 'alert', 'data-error-for': 'by' })),
    h('div', { class: 'form-grid' },
      field('Indication', indication, { key: 'indication' }),
      field('Scale', scale, { key: 'scale' }),
      field('Smallest cell shown (patients)', min, { key: 'min_cell', hint: `Fewer patients: “${TOO_FEW}”. At least ${SMALLEST_MIN_CELL}.` }),
      field('First session from', from, { key: 'from' }),
      field('First session to', to, { key: 'to' })),
    h('div', { class: 'field-error', role: 'alert', 'data-error-for': 'form' }),
    h('button', { type: 'submit', class: 'primary', id: 'outcomes-apply' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = boxes.map((b) => b.querySelector('input')!).filter((i) => i.checked).map((i) => i.value);
    const next: OutcomeFilters = {
      by: chosen.length ? chosen : ['indication'], indication: indication.value, scale: scale.value,
      from: from.value, to: to.value, minCell: Math.max(SMALLEST_MIN_CELL, Number(min.value) || 5),
    };
    location.hash = '#/outcomes' + filtersQuery(next);
  });
  return form;
}

function trajectoryChart(report: OutcomesReport, scale: string, label: (c: Cohort) => string): HTMLElement {
  const layout = (width: number) => {
    const box = { width, height: 260, left: 44, right: 12, top: 14, bottom: 34 };
    return { box, l: layoutTrajectories(report, scale, box, label) };
  };
  // Drawn at the width shown (fittedChart): on a phone the labels keep their size.
  const draw = (width: number) => {
    const { box, l } = layout(width);
    return s('svg', { viewBox: `0 0 ${box.width} ${box.height}`, class: 'chart', id: 'outcomes-trajectories', role: 'img',
      'aria-label': `Mean change from baseline on ${l.scaleName} by week after the first session, with 95% intervals, for ${l.series.length} cohorts${l.withheld.length ? `; ${l.withheld.length} withheld as too few` : ''}` },
    l.yTicks.map((t) => s('g', { class: 'tick' },
      s('line', { x1: box.left, x2: box.width - box.right, y1: t.y, y2: t.y }),
      s('text', { x: box.left - 6, y: t.y + 4, 'text-anchor': 'end', class: 'axis' }, t.value > 0 ? `+${t.value}` : String(t.value).replace('-', '−')))),
    s('line', { x1: box.left, x2: box.width - box.right, y1: l.zeroY, y2: l.zeroY, class: 'axis-line' }),
    l.xTicks.map((t) => s('text', { x: t.x, y: box.height - 16, class: 'axis', 'text-anchor': 'middle' }, String(t.week))),
    s('text', { x: box.left + (box.width - box.left - box.right) / 2, y: box.height - 2, class: 'axis', 'text-anchor': 'middle' }, 'weeks after the first session'),
    l.series.map((series, i) => {
      const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
      return s('g', { class: 'series' },
        series.points.map((p) => (p.yLow !== null && p.yHigh !== null
          ? s('line', { x1: p.x, x2: p.x, y1: p.yLow, y2: p.yHigh, stroke: colour, 'stroke-width': 1.5, opacity: 0.7 }) : null)),
        s('polyline', { points: series.points.map((p) => `${p.x},${p.y}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2 }),
        series.points.map((p) => s('circle', { cx: p.x, cy: p.y, r: 3.5, fill: colour },
          s('title', null, `${series.label}, week ${p.week}: ${p.week === 0 ? 'baseline' : `${p.mean > 0 ? '+' : ''}${p.mean.toFixed(2)}`} (n = ${p.n})`))));
    }));
  };
  const { l } = layout(560);
  return h('figure', { class: 'chart-figure' },
    h('figcaption', null, `Change from baseline on ${l.scaleName} (${l.better} is better), with 95% intervals`),
    fittedChart(draw, 560),
    h('div', { class: 'legend' }, l.series.map((series, i) => h('span', { class: 'legend-item' },
      h('span', { class: 'key', style: { background: SERIES_COLOURS[i % SERIES_COLOURS.length] } }), series.label))),
    l.withheld.length ? h('p', { class: 'withheld small', 'data-withheld': l.withheld.length }, `${TOO_FEW} to show: `, l.withheld.join('; ')) : null);
}

function eventChart(report: OutcomesReport, name: (d: string, v: string) => string): HTMLElement {
  // Each device's name on a line of its own above its bar: beside it, long names ("Dermaroller
  // 192 needles, 1.5 mm (MF-8 type)") were cut at the drawing's left edge. Drawn at the width
  // shown (fittedChart): on a phone the names keep their size.
  const draw = (width: number) => {
    const box = { width, height: 0, left: 8, right: 90, top: 8, bottom: 24 };
    const l = layoutEventBars(report, box, 40);
    return s('svg', { viewBox: `0 0 ${box.width} ${l.height}`, class: 'chart', id: 'outcomes-events', role: 'img',
      'aria-label': `Adverse events per 100 sessions by device, with 95% intervals, ${l.bars.length} devices` },
    l.bars.map((b) => s('g', { class: b.suppressed ? 'bar withheld' : 'bar' },
      s('text', { x: box.left, y: b.y + 12, 'text-anchor': 'start', class: 'axis bar-label' }, name('device', b.label)),
      b.suppressed
        ? s('text', { x: box.left + 4, y: b.y + 30, class: 'axis too-few' }, TOO_FEW)
        : [s('rect', { x: b.x, y: b.y + 18, width: Math.max(1, b.width), height: 14, class: 'event-bar' }),
            s('line', { x1: b.xLow, x2: b.xHigh, y1: b.y + 25, y2: b.y + 25, class: 'interval' }),
            s('text', { x: Math.max(b.xHigh, b.x + b.width) + 6, y: b.y + 29, class: 'axis' }, `${b.per100.toFixed(1)} (n ${b.sessions})`),
            s('title', null, `${name('device', b.label)}: ${b.per100.toFixed(1)} per 100 sessions (${b.low.toFixed(1)} to ${b.high.toFixed(1)}), ${b.sessions} sessions`)])),
    s('text', { x: box.left, y: l.height - 6, class: 'axis' }, '0'),
    s('text', { x: box.width - box.right, y: l.height - 6, class: 'axis', 'text-anchor': 'end' }, `${l.max} per 100 sessions`));
  };
  return h('figure', { class: 'chart-figure' }, h('figcaption', null, 'Adverse events per 100 sessions by device, with 95% intervals'), fittedChart(draw, 560));
}

function cohortTable(report: OutcomesReport, scale: string, label: (c: Cohort) => string): HTMLElement {
  const week12 = (c: CohortShown) => c.scales.find((x) => x.scale === scale)?.follow_ups
    .find((f) => f.window.from === 'first-session' && f.window.week === 12);
  const scaleName = report.cohorts.flatMap((c) => (c.suppressed ? [] : c.scales)).find((x) => x.scale === scale)?.name ?? scale;
  return h('section', { class: 'panel' },
    h('h2', null, 'Cohorts'),
    scale ? h('p', { class: 'small muted' }, `Change from baseline and responders on ${scaleName}, 12 weeks after the first session.`) : null,
    h('table', { class: 'table compact', id: 'outcomes-cohorts' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Cohort'), h('th', { scope: 'col' }, 'Courses'), h('th', { scope: 'col' }, 'Patients'),
        h('th', { scope: 'col' }, 'Completed'), h('th', { scope: 'col' }, 'Adverse events per 100 sessions'),
        scale ? h('th', { scope: 'col' }, 'Change at week 12') : null,
        scale ? h('th', { scope: 'col' }, 'Responders at week 12') : null)),
      h('tbody', null, report.cohorts.map((c) => {
        if (c.suppressed) {
          return h('tr', { class: 'withheld' }, h('th', { scope: 'row' }, label(c)),
            h('td', { colspan: scale ? 6 : 4, class: 'too-few' }, `${TOO_FEW}`, h('span', { class: 'muted small' }, ` — ${c.reason}`)));
        }
        const f = week12(c);
        const cell = (text: string, n: string) => h('td', null, text, n ? h('span', { class: 'n' }, ` ${n}`) : null);
        return h('tr', null, h('th', { scope: 'row' }, label(c)),
          h('td', { class: 'num' }, String(c.courses)), h('td', { class: 'num' }, String(c.patients)),
          cell(rateText(c.completed), nText(c.completed)),
          cell(rateText(c.adverse_event_sessions, true), nText(c.adverse_event_sessions)),
          scale ? (f ? cell(meanText(f.change), nText(f.change)) : h('td', { class: 'muted' }, 'no scores')) : null,
          scale ? (f?.responders ? cell(rateText(f.responders), nText(f.responders)) : h('td', { class: 'muted' }, '—')) : null);
      }))));
}

function needleTable(report: OutcomesReport): HTMLElement | null {
  if (!report.needle_length.length) return null;
  return h('section', { class: 'panel' },
    h('h2', null, 'Needle length (defined in advance)'),
    h('p', { class: 'small muted' }, 'Within an indication and a scale: each band’s mean change 12 weeks after the first session minus the shortest band’s.'),
    h('table', { class: 'table compact', id: 'outcomes-needle' },
      h('thead', null, h('tr', null, ['Indication', 'Scale', 'Band', 'Change', 'Reference band', 'Change', 'Difference']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, report.needle_length.map((n) => h('tr', null,
        h('td', null, n.indication), h('td', null, n.scale), h('td', null, n.band),
        h('td', null, meanText(n.band_change), h('span', { class: 'n' }, ` ${nText(n.band_change)}`)),
        h('td', null, n.reference_band),
        h('td', null, meanText(n.reference_change), h('span', { class: 'n' }, ` ${nText(n.reference_change)}`)),
        h('td', null, n.suppressed || n.difference === undefined ? TOO_FEW
          : `${n.difference > 0 ? '+' : ''}${n.difference.toFixed(2)}${n.ci ? ` (${n.ci[0].toFixed(2)} to ${n.ci[1].toFixed(2)})` : ''}`))))));
}

function lotTable(report: OutcomesReport): HTMLElement | null {
  const lots = report.adverse_events.by_lot;
  if (!lots.length) return null;
  return h('section', { class: 'panel' },
    h('h2', null, 'Lots (defined in advance)'),
    h('p', { class: 'small muted' }, report.adverse_events.lots_compared > 0
      ? `Each lot’s adverse-event rate against every other session, Bonferroni-adjusted over ${report.adverse_events.lots_compared} lot${report.adverse_events.lots_compared === 1 ? '' : 's'}; flagged when the interval lies above zero.`
      : 'No lot has enough sessions to compare its adverse-event rate with the others yet.'),
    h('table', { class: 'table compact', id: 'outcomes-lots' },
      h('thead', null, h('tr', null, ['Lot', 'Per 100 sessions', 'Sessions', 'Against the rest (per 100)', 'Flagged'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, lots.map((l) => h('tr', { class: l.flagged ? 'flagged' : '' },
        h('td', null, l.category), h('td', null, rateText(l.rate, true)), h('td', { class: 'num' }, nText(l.rate).replace('n = ', '')),
        h('td', null, l.vs_rest ? `${(l.vs_rest.difference * 100).toFixed(1)}${l.vs_rest.ci ? ` (${(l.vs_rest.ci[0] * 100).toFixed(1)} to ${(l.vs_rest.ci[1] * 100).toFixed(1)})` : ''}` : l.rate.suppressed ? TOO_FEW : '—'),
        h('td', null, l.flagged ? h('strong', { class: 'flag' }, 'flagged') : 'no'))))));
}

function literatureSection(report: OutcomesReport, label: (c: Cohort) => string): HTMLElement {
  const rows = report.cohorts.flatMap((c) => (c.suppressed ? [] : c.literature.map((l) => ({ c, l }))));
  const notes = report.cohorts.flatMap((c) => (c.suppressed ? [] : c.literature_notes.map((n) => ({ c, n }))));
  const practice = (p: (typeof rows)[number]['l']['practice'], kind: string) => {
    if ('note' in p) return p.note;
    if (p.suppressed) return TOO_FEW;
    return 'mean' in p ? `${meanText(p)}, n = ${p.n}` : `${rateText(p, kind === 'adverse_event')}, n = ${p.n}`;
  };
  const published = (l: (typeof rows)[number]['l']) => {
    const scale = l.kind === 'mean_change' ? 1 : 100;
    const unit = l.kind === 'mean_change' ? '' : l.kind === 'adverse_event' ? ' per 100' : '%';
    const v = (x: number) => (x * scale).toFixed(l.kind === 'mean_change' ? 2 : 1);
    return `${v(l.published.estimate)}${unit}${l.published.ci ? ` (${v(l.published.ci[0])} to ${v(l.published.ci[1])})` : ''}, n = ${l.published.n}${l.published.derived ? ' (derived)' : ''}`;
  };
  return h('section', { class: 'panel', id: 'outcomes-literature' },
    h('h2', null, 'Beside the literature'),
    rows.length === 0 && notes.length === 0
      ? h('p', { class: 'muted' }, 'No published result matches a shown cohort’s indication and scale.')
      : null,
    rows.length ? h('table', { class: 'table compact' },
      h('thead', null, h('tr', null, ['Cohort', 'Study and source', 'Measure', 'This practice', 'Published', 'Intervals overlap', 'Protocol differences']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows.map(({ c, l }) => h('tr', null,
        h('td', null, label(c)),
        h('td', null, l.study, h('br'), sourcesLine(l.sources)),
        h('td', null, `${l.measure}, ${l.timepoint}`),
        h('td', null, practice(l.practice, l.kind)),
        h('td', null, published(l), l.published.assumption ? h('div', { class: 'small muted' }, `Assumption: ${l.published.assumption}`) : null),
        h('td', null, l.overlap === null ? '—' : l.overlap ? 'yes' : 'no'),
        h('td', null, l.protocol.length ? h('ul', { class: 'plain' }, l.protocol.map((d) => h('li', null, `${d.aspect}: practice ${d.practice}, study ${d.study}`))) : 'none stated'))))) : null,
    notes.length ? h('ul', { class: 'literature-notes' }, notes.map(({ c, n }) => h('li', null, `${label(c)} — ${n.study}: ${n.summary} `, sourcesLine(n.sources)))) : null);
}
