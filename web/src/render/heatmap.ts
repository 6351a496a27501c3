// Layout of the simulated puncture density map (POST /api/simulate's `density_map`), drawn to
// mean what the CLI's `dermaplan simulate --heatmap` PNG means: punctures per cm² on square
// cells of the patch, y growing upwards (row 0 of the data is the bottom row), the viridis
// scale from 0 to the densest cell, axes in mm, and a title naming device, technique and
// region. Pure: it places and colours the engine's numbers and computes no clinical figure.

export interface DensityMap {
  cell_mm: number;
  width: number;   // cells along x
  height: number;  // cells along y
  per_cm2: number[]; // row-major: per_cm2[iy * width + ix], row 0 at y = 0 (the bottom)
}

/** The map of a response, or null when it is missing or malformed (nothing is drawn then). */
export function readDensityMap(value: unknown): DensityMap | null {
  if (!value || typeof value !== 'object') return null;
  const m = value as Record<string, unknown>;
  const { cell_mm, width, height, per_cm2 } = m;
  if (typeof cell_mm !== 'number' || !(cell_mm > 0)) return null;
  if (!Number.isInteger(width) || !Number.isInteger(height) || (width as number) < 1 || (height as number) < 1) return null;
  if (!Array.isArray(per_cm2) || per_cm2.length !== (width as number) * (height as number)) return null;
  if (!per_cm2.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) return null;
  return { cell_mm, width: width as number, height: height as number, per_cm2: per_cm2 as number[] };
}

/** Viridis at the 11 stops src/simulation/render.cpp uses, so the web and the PNG agree. */
export const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [0.267, 0.005, 0.329], [0.283, 0.141, 0.458], [0.254, 0.265, 0.530], [0.207, 0.372, 0.553],
  [0.164, 0.471, 0.558], [0.128, 0.567, 0.551], [0.135, 0.659, 0.518], [0.267, 0.749, 0.441],
  [0.478, 0.821, 0.318], [0.741, 0.873, 0.150], [0.993, 0.906, 0.144],
];

const hex = (c: number) => Math.round(Math.min(1, Math.max(0, c)) * 255).toString(16).padStart(2, '0');

/** The colour of t in [0, 1] (clamped; NaN counts as 0), linearly between the stops, as "#rrggbb". */
export function viridis(t: number): string {
  const n = VIRIDIS.length;
  const u = (Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0) * (n - 1);
  const i = Math.min(n - 2, Math.floor(u));
  const f = u - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  return `#${hex(a[0] + f * (b[0] - a[0]))}${hex(a[1] + f * (b[1] - a[1]))}${hex(a[2] + f * (b[2] - a[2]))}`;
}

/** Top of the colour scale: the densest cell, at least 1 (as the PNG). */
export function scaleMax(map: DensityMap): number {
  return Math.max(1, ...map.per_cm2);
}

/** A round tick step (1, 2, 5 × 10^k) giving about `target` ticks over span (the PNG's rule). */
export function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  if (!(raw > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

/** Ticks 0, step, 2 step, … up to max (inclusive within rounding), rounded for display. */
function ticks(max: number, step: number): number[] {
  const out: number[] = [];
  for (let i = 0; i * step <= max + 1e-9; i++) out.push(Math.round(i * step * 1000) / 1000);
  return out;
}

export interface HeatmapBox { width: number; left: number; right: number; top: number; bottom: number }
export const HEATMAP_BOX: HeatmapBox = { width: 330, left: 38, right: 74, top: 8, bottom: 32 };

export interface HeatmapCell { ix: number; iy: number; x: number; y: number; size: number; value: number; fill: string }

export interface HeatmapLayout {
  width: number;
  height: number;
  plot: { x: number; y: number; width: number; height: number };
  widthMm: number;
  heightMm: number;
  vmax: number;
  cells: HeatmapCell[];
  xTicks: { x: number; mm: number }[];
  yTicks: { y: number; mm: number }[];
  bar: { x: number; y: number; width: number; height: number; ticks: { y: number; value: number }[] };
}

/** Where each cell goes and its colour, the mm ticks and the colour bar, in a box of box.width. */
export function layoutHeatmap(map: DensityMap, box: HeatmapBox = HEATMAP_BOX): HeatmapLayout {
  const widthMm = map.width * map.cell_mm;
  const heightMm = map.height * map.cell_mm;
  const scale = (box.width - box.left - box.right) / Math.max(widthMm, heightMm); // px per mm
  const pw = widthMm * scale;
  const ph = heightMm * scale;
  const plot = { x: box.left, y: box.top, width: pw, height: ph };
  const size = map.cell_mm * scale;
  const vmax = scaleMax(map);
  const cells: HeatmapCell[] = [];
  for (let iy = 0; iy < map.height; iy++) {
    for (let ix = 0; ix < map.width; ix++) {
      const value = map.per_cm2[iy * map.width + ix];
      // y grows upwards: row 0 is drawn at the bottom of the plot
      cells.push({ ix, iy, x: plot.x + ix * size, y: plot.y + ph - (iy + 1) * size, size, value, fill: viridis(value / vmax) });
    }
  }
  const step = niceStep(Math.max(widthMm, heightMm), 6);
  const xTicks = ticks(widthMm, step).map((mm) => ({ mm, x: plot.x + mm * scale }));
  const yTicks = ticks(heightMm, step).map((mm) => ({ mm, y: plot.y + ph - mm * scale }));
  const bar = { x: plot.x + pw + 12, y: plot.y, width: 10, height: ph, ticks: [] as { y: number; value: number }[] };
  bar.ticks = ticks(vmax, niceStep(vmax, 5)).map((value) => ({ value, y: bar.y + ph - (value / vmax) * ph }));
  return { width: box.width, height: box.top + ph + box.bottom, plot, widthMm, heightMm, vmax, cells, xTicks, yTicks, bar };
}

/** "1 mm² cells" or "2 × 2 mm cells": the cells the density is counted on. */
export function cellText(map: DensityMap): string {
  const c = Math.round(map.cell_mm * 1000) / 1000;
  return c === 1 ? '1 mm² cells' : `${c} × ${c} mm cells`;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The technique as the CLI words it: "4 passes h,v, medium pressure[, 10 % overlap]". */
export function techniqueText(t: Json | undefined): string {
  if (!t || typeof t.passes !== 'number') return '';
  const overlap = typeof t.overlap === 'number' && t.overlap > 0 ? `, ${Math.round(t.overlap * 1000) / 10} % overlap` : '';
  return `${t.passes} pass${t.passes === 1 ? '' : 'es'} ${t.directions ?? ''}, ${t.pressure ?? 'medium'} pressure${overlap}`;
}

/** The PNG's title: device · technique · region, from the response's own labels. */
export function heatmapCaption(r: Json): string {
  return [r.device?.label, techniqueText(r.technique), r.region?.label].filter((p) => typeof p === 'string' && p).join(' · ');
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The text alternative: what the picture shows, in words. */
export function heatmapSummary(map: DensityMap, r: Json = {}): string {
  const min = Math.min(...map.per_cm2);
  const max = Math.max(...map.per_cm2);
  const empty = map.per_cm2.filter((v) => v === 0).length;
  const mean = r.density_per_cm2?.mean;
  const mm = (v: number) => Math.round(v * 1000) / 1000;
  return `Punctures per cm² on ${cellText(map)} over ${mm(map.width * map.cell_mm)} × ${mm(map.height * map.cell_mm)} mm of the patch: ` +
    `cells from ${min} to ${max} per cm²` +
    (typeof mean === 'number' ? `, mean ${mean} per cm² over the patch` : '') +
    `; ${plural(empty, 'cell', 'cells')} of ${map.per_cm2.length} without a puncture.`;
}

/** The rows of the map for a table, top row first (as drawn): y range in mm and the values. */
export function tableRows(map: DensityMap): { y0: number; y1: number; values: number[] }[] {
  const out: { y0: number; y1: number; values: number[] }[] = [];
  const mm = (v: number) => Math.round(v * 1000) / 1000;
  for (let iy = map.height - 1; iy >= 0; iy--)
    out.push({ y0: mm(iy * map.cell_mm), y1: mm((iy + 1) * map.cell_mm), values: map.per_cm2.slice(iy * map.width, (iy + 1) * map.width) });
  return out;
}
