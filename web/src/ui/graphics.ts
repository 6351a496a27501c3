// SVG drawings of the layouts in render/: depth bars, the course timeline, the aftercare
// timeline and the outcome chart. Sizes are in viewBox units; the SVGs scale to their box.

import { h, s } from './dom';
import { depthScale, depthStyle, formatMm } from '../render/depth';
import { layoutAftercare, layoutCourse } from '../render/timeline';
import { chartDrawWidth, layoutOutcomeChart } from '../render/chart';
import { formatDay, formatHours } from '../dates';
import type { AftercareItem, DepthCheck, Outcome, PlannedSession, PreparationTask } from '../types';

/** A bar: epidermis band, dermis band, and the needle drawn to its length, coloured by reach. */
export function depthBar(check: DepthCheck): SVGSVGElement {
  const W = 300;
  const H = 34;
  const scale = depthScale(check);
  const style = depthStyle(check);
  const x = (f: number) => 4 + f * (W - 8);
  const um = (v: number) => `${Math.round(v)} µm`;
  return s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'depth-bar', role: 'img',
    'aria-label': `Needle ${formatMm(check.needle_um / 1000)}, ${style.label}; epidermis ${um(check.epidermis_um.min)}–${um(check.epidermis_um.max)}, skin ${um(check.skin_um.min)}–${um(check.skin_um.max)}` },
  s('rect', { x: x(scale.dermis.from), y: 4, width: x(scale.dermis.to) - x(scale.dermis.from), height: 12, class: 'band-dermis' }),
  s('rect', { x: x(scale.epidermis.from), y: 4, width: x(scale.epidermis.to) - x(scale.epidermis.from), height: 12, class: 'band-epidermis' }),
  // the uncertain end of the skin: thinnest to thickest recorded
  s('rect', { x: x(scale.skinEnd.from), y: 4, width: Math.max(0, x(scale.skinEnd.to) - x(scale.skinEnd.from)), height: 12, class: 'band-uncertain' }),
  s('rect', { x: x(0), y: 20, width: Math.max(2, x(scale.needle) - x(0)), height: 6, rx: 1, fill: style.colour }),
  s('line', { x1: x(scale.needle), x2: x(scale.needle), y1: 2, y2: 30, stroke: style.colour, 'stroke-width': 2 }),
  s('text', { x: W - 4, y: 33, class: 'axis', 'text-anchor': 'end' }, `${um(scale.max_um)}`));
}

/** The course as dated marks on one axis: preparation ticks, session windows, assessment. */
export function courseTimeline(sessions: PlannedSession[], preparation: PreparationTask[], assessmentDate?: string): Element {
  const layout = layoutCourse(sessions, preparation, assessmentDate);
  if (!layout) return h('p', { class: 'muted' }, 'No dated items.');
  const W = 900;
  const H = 92;
  const L = 20;
  const R = 20;
  const x = (f: number) => L + f * (W - L - R);
  const items: SVGElement[] = [s('line', { x1: x(0), x2: x(1), y1: 46, y2: 46, class: 'axis-line' })];
  let lastLabelX = -1e9;
  for (const m of layout.marks) {
    const title = s('title', null, `${m.label}: ${formatDay(m.date)}${m.latest && m.latest !== m.date ? ` – ${formatDay(m.latest)}` : ''}`);
    if (m.kind === 'preparation') {
      items.push(s('g', { class: 'tl-prep' }, title, s('line', { x1: x(m.x), x2: x(m.x), y1: 38, y2: 54 })));
    } else if (m.kind === 'session') {
      const w = Math.max(0, x(m.x2 ?? m.x) - x(m.x));
      items.push(s('g', { class: `tl-session${m.optional ? ' optional' : ''}` }, title,
        w > 0 ? s('rect', { x: x(m.x), y: 40, width: w, height: 12, rx: 3 }) : null,
        s('circle', { cx: x(m.x), cy: 46, r: 7 }),
        s('text', { x: x(m.x), y: 50, class: 'tl-num', 'text-anchor': 'middle' }, String(m.label.replace('Session ', ''))),
      ));
      if (x(m.x) - lastLabelX > 70) {
        items.push(s('text', { x: x(m.x), y: 28, class: 'tl-date', 'text-anchor': anchor(x(m.x), W) }, formatDay(m.date, undefined, 'medium')));
        lastLabelX = x(m.x);
      }
    } else {
      items.push(s('g', { class: 'tl-assess' }, title, s('path', { d: `M${x(m.x)},36 l8,10 l-8,10 l-8,-10 Z` })));
      items.push(s('text', { x: x(m.x), y: 76, class: 'tl-date', 'text-anchor': anchor(x(m.x), W, 90) }, `assessment ${formatDay(m.date)}`));
    }
  }
  items.push(s('text', { x: x(0), y: 76, class: 'axis', 'text-anchor': 'start' }, formatDay(layout.start)));
  const legend = h('div', { class: 'legend' },
    h('span', { class: 'key key-session' }), 'session (window to latest date) ',
    h('span', { class: 'key key-optional' }), 'optional session ',
    h('span', { class: 'key key-prep' }), 'preparation task ',
    h('span', { class: 'key key-assess' }), 'outcome assessment');
  return h('div', { class: 'timeline' },
    s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Course from ${formatDay(layout.start)} to ${formatDay(layout.end)}` }, items),
    legend);
}

/** Aftercare instructions as bars on a compressed hours axis (hours, days, weeks). */
export function aftercareTimeline(items: AftercareItem[]): Element {
  const { bars, ticks } = layoutAftercare(items);
  const W = 900;
  const rowH = 20;
  const labelW = 0;
  const top = 22;
  const H = top + bars.length * rowH + 6;
  const x = (f: number) => labelW + 8 + f * (W - labelW - 16);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'Aftercare timeline after each session', class: 'aftercare-svg' },
    ticks.map((t) => s('g', { class: 'tick' },
      s('line', { x1: x(t.x), x2: x(t.x), y1: 14, y2: H }),
      s('text', { x: x(t.x), y: 11, 'text-anchor': t.x === 0 ? 'start' : t.x === 1 ? 'end' : 'middle', class: 'axis' }, t.hours === 0 ? 'session' : formatHours(t.hours)))),
    bars.map((b, i) => {
      const y = top + i * rowH;
      // A vague end ("for a few days"): a start mark and the source's words, no bar to a made-up end.
      if (b.vague_end) {
        return s('g', { class: 'ac-bar vague', 'data-aftercare': b.id },
          s('title', null, `${b.instruction} (${b.when})`),
          s('rect', { x: x(b.from), y: y + 2, width: 3, height: rowH - 6, class: 'ac-start' }),
          s('text', { x: x(b.from) + 8, y: y + rowH - 7, class: 'ac-text' }, truncate(`${b.instruction.replace(/\.$/, '')} — ${b.vague_end} (the source gives no number)`, 110)));
      }
      return s('g', { class: `ac-bar${b.open ? ' open' : ''}`, 'data-aftercare': b.id },
        s('title', null, `${b.instruction} (${b.when})`),
        s('rect', { x: x(b.from), y: y + 2, width: Math.max(3, x(b.to) - x(b.from)), height: rowH - 6, rx: 2 }),
        s('text', { x: x(b.from) + 6, y: y + rowH - 7, class: 'ac-text' }, truncate(b.instruction, 110)));
    }));
  return h('div', { class: 'timeline' }, svg);
}

/** Keeps a label inside the drawing near its edges. */
function anchor(x: number, width: number, half = 45): string {
  return x < half ? 'start' : x > width - half ? 'end' : 'middle';
}

function truncate(text: string, n: number): string {
  return text.length > n ? text.slice(0, n - 1) + '…' : text;
}

const SERIES_COLOURS = ['#2f6690', '#b5651d', '#3a7d44', '#7b4b94', '#9a3b3b', '#4d6b73'];

/**
 * A chart drawn at the width it is shown at (see chartDrawWidth): on a phone its labels keep
 * their size instead of shrinking with a drawing made for a desktop. `draw(width)` builds the
 * SVG for a viewBox that wide; it is built again when the shown width changes.
 */
export function fittedChart(draw: (width: number) => SVGSVGElement, preferred: number): HTMLElement {
  const box = h('div', { class: 'chart-fit' });
  let width = preferred;
  box.append(draw(width));
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => {
      const w = chartDrawWidth(box.clientWidth, preferred);
      if (w === width) return;
      width = w;
      box.replaceChildren(draw(width));
    }).observe(box);
  }
  return box;
}

/** Scores over time for one scale; one line per region. */
export function outcomeChart(outcomes: Outcome[], range: { min: number; max: number }, title: string, better?: string,
  regionName: (id: string) => string = (id) => id): Element {
  const draw = (width: number) => {
    const box = { width, height: 200, left: 36, right: 12, top: 12, bottom: 28 };
    const layout = layoutOutcomeChart(outcomes, range, box);
    return s('svg', { viewBox: `0 0 ${box.width} ${box.height}`, role: 'img', class: 'chart', 'aria-label': `${title}: ${outcomes.length} scores` },
      layout.yTicks.map((t) => s('g', { class: 'tick' },
        s('line', { x1: box.left, x2: box.width - box.right, y1: t.y, y2: t.y }),
        s('text', { x: box.left - 6, y: t.y + 4, 'text-anchor': 'end', class: 'axis' }, String(t.value)))),
      layout.xTicks.map((t, i, all) => s('text', { x: t.x, y: box.height - 8, class: 'axis',
        'text-anchor': all.length > 1 && i === 0 ? 'start' : all.length > 1 && i === all.length - 1 ? 'end' : 'middle' }, formatDay(t.date, undefined, 'short'))),
      layout.series.map((series, i) => {
        const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
        return s('g', { class: 'series' },
          s('polyline', { points: series.points.map((p) => `${p.x},${p.y}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2 }),
          series.points.map((p) => s('circle', { cx: p.x, cy: p.y, r: 3.5, fill: colour }, s('title', null, `${formatDay(p.date)}: ${p.score}${series.region ? ` (${regionName(series.region)})` : ''}`))));
      }));
  };
  const regions = layoutOutcomeChart(outcomes, range, { width: 560, height: 200, left: 36, right: 12, top: 12, bottom: 28 }).series;
  const legend = h('div', { class: 'legend' }, regions.map((series, i) => h('span', { class: 'legend-item' },
    h('span', { class: 'key', style: { background: SERIES_COLOURS[i % SERIES_COLOURS.length] } }), series.region ? regionName(series.region) : 'whole treated area')),
  better ? h('span', { class: 'muted' }, ` · ${better} is better`) : null);
  return h('figure', { class: 'chart-figure' }, h('figcaption', null, title), fittedChart(draw, 560), legend);
}
