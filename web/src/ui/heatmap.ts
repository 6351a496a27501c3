// The simulated puncture density map as an SVG figure: cells coloured on the viridis scale,
// mm axes, a colour bar, the caption naming device, technique and region (the CLI PNG's title),
// a text alternative, and the cell values as a table on demand.

import { cellText, heatmapCaption, heatmapSummary, layoutHeatmap, readDensityMap, tableRows, VIRIDIS } from '../render/heatmap';
import { h, s, uid } from './dom';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const hex = (c: readonly [number, number, number]) => `#${c.map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('')}`;

/** The figure for a simulation response, or null when it carries no density map. */
export function densityMapFigure(r: Json): HTMLElement | null {
  const map = readDensityMap(r.density_map);
  if (!map) return null;
  const l = layoutHeatmap(map);
  const titleId = uid('heat-title');
  const summaryId = uid('heat-summary');
  const gradId = uid('heat-scale');
  const caption = heatmapCaption(r);
  const summary = heatmapSummary(map, r);
  const { plot, bar } = l;
  const svg = s('svg', { viewBox: `0 0 ${l.width} ${l.height}`, class: 'heatmap', role: 'img', 'aria-labelledby': titleId, 'aria-describedby': summaryId,
    'data-cells': l.cells.length, 'data-vmax': l.vmax },
  s('title', { id: titleId }, `Simulated puncture density: ${caption}`),
  s('defs', null,
    s('linearGradient', { id: gradId, x1: 0, y1: 1, x2: 0, y2: 0 },
      VIRIDIS.map((c, i) => s('stop', { offset: i / (VIRIDIS.length - 1), 'stop-color': hex(c) })))),
  s('g', { class: 'heat-cells', 'shape-rendering': 'crispEdges' },
    // a hair wider than the cell so no seams show between neighbours (as the PNG)
    l.cells.map((c) => s('rect', { x: c.x, y: c.y, width: c.size + 0.3, height: c.size + 0.3, fill: c.fill }))),
  s('rect', { x: plot.x, y: plot.y, width: plot.width, height: plot.height, class: 'heat-frame' }),
  s('g', { class: 'heat-axis' },
    l.xTicks.map((t) => [
      s('line', { x1: t.x, x2: t.x, y1: plot.y + plot.height, y2: plot.y + plot.height + 4 }),
      s('text', { x: t.x, y: plot.y + plot.height + 13, 'text-anchor': 'middle', class: 'axis' }, String(t.mm))]),
    l.yTicks.map((t) => [
      s('line', { x1: plot.x - 4, x2: plot.x, y1: t.y, y2: t.y }),
      s('text', { x: plot.x - 6, y: t.y + 3.5, 'text-anchor': 'end', class: 'axis' }, String(t.mm))]),
    s('text', { x: plot.x + plot.width / 2, y: plot.y + plot.height + 27, 'text-anchor': 'middle', class: 'axis' }, 'x (mm)'),
    s('text', { x: 0, y: 0, transform: `translate(10 ${plot.y + plot.height / 2}) rotate(-90)`, 'text-anchor': 'middle', class: 'axis' }, 'y (mm)')),
  s('g', { class: 'heat-scale' },
    s('rect', { x: bar.x, y: bar.y, width: bar.width, height: bar.height, fill: `url(#${gradId})` }),
    s('rect', { x: bar.x, y: bar.y, width: bar.width, height: bar.height, class: 'heat-frame' }),
    bar.ticks.map((t) => [
      s('line', { x1: bar.x + bar.width, x2: bar.x + bar.width + 3, y1: t.y, y2: t.y }),
      s('text', { x: bar.x + bar.width + 5, y: t.y + 3.5, class: 'axis' }, String(t.value))]),
    s('text', { x: 0, y: 0, transform: `translate(${l.width - 7} ${bar.y + bar.height / 2}) rotate(-90)`, 'text-anchor': 'middle', class: 'axis' },
      `punctures per cm² (${cellText(map)})`)));
  const table = h('details', { class: 'heat-values small' },
    h('summary', null, 'Cell values (punctures per cm², top row first)'));
  // Built when first opened: up to 64 × 64 numbers.
  table.addEventListener('toggle', () => {
    if (!table.open || table.querySelector('table')) return;
    const xs = Array.from({ length: map.width }, (_, ix) => Math.round(ix * map.cell_mm * 1000) / 1000);
    table.append(h('div', { class: 'heat-table-wrap' }, h('table', { class: 'table heat-table' },
      h('caption', null, `${caption}: punctures per cm² on ${cellText(map)}; columns from x (mm), rows from y (mm)`),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'y \\ x'), xs.map((x) => h('th', { scope: 'col' }, String(x))))),
      h('tbody', null, tableRows(map).map((row) => h('tr', null, h('th', { scope: 'row' }, String(row.y0)), row.values.map((v) => h('td', null, String(v)))))))));
  });
  return h('figure', { class: 'sim-heatmap' },
    h('figcaption', null,
      h('span', { class: 'heat-caption' }, caption),
      h('span', { class: 'muted small' }, `Punctures per cm² as simulated, on ${cellText(map)}; the same map as dermaplan simulate --heatmap.`)),
    svg,
    h('p', { class: 'small muted heat-summary', id: summaryId }, summary),
    table);
}
