// Layout for the outcome chart: one line per scale and region, scores over time, the y axis
// spanning the scale's range. Pure: returns coordinates in a width x height box.

import { daysBetween } from '../dates';
import type { Outcome } from '../types';

export interface ChartBox { width: number; height: number; left: number; right: number; top: number; bottom: number }

export interface ChartSeries {
  key: string;           // "scale|region"
  scale: string;
  region: string;
  points: { x: number; y: number; date: string; score: number }[];
}

export interface ChartLayout {
  series: ChartSeries[];
  yTicks: { y: number; value: number }[];
  xTicks: { x: number; date: string }[];
}

/** The least distance between two dated ticks, in drawing units (a short date is about 60). */
export const MIN_TICK_SPACING = 80;

/** The narrowest a chart is drawn: below it, it is drawn at this width and scaled down. */
export const CHART_MIN_WIDTH = 280;

/**
 * The width to draw a chart at, in viewBox units, when it is shown `shownPx` CSS pixels wide:
 * the shown width itself up to `preferred` (one unit is one pixel, so a 10-unit label is 10 px
 * on a phone instead of shrinking with the drawing), never under CHART_MIN_WIDTH; `preferred`
 * before it is laid out (0).
 */
export function chartDrawWidth(shownPx: number, preferred: number): number {
  if (!(shownPx > 0)) return preferred;
  return Math.max(CHART_MIN_WIDTH, Math.min(preferred, Math.floor(shownPx)));
}

export function layoutOutcomeChart(outcomes: Outcome[], range: { min: number; max: number }, box: ChartBox): ChartLayout {
  const sorted = [...outcomes].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id));
  const dates = sorted.map((o) => o.date);
  const first = dates[0];
  const last = dates[dates.length - 1];
  const span = first && last ? Math.max(1, daysBetween(first, last)) : 1;
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const lo = range.min;
  const hi = range.max > range.min ? range.max : range.min + 1;
  const x = (d: string) => box.left + (sorted.length > 1 && first !== last ? (daysBetween(first, d) / span) * plotW : plotW / 2);
  const y = (v: number) => box.top + (1 - (Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * plotH;
  const byKey = new Map<string, ChartSeries>();
  for (const o of sorted) {
    const key = `${o.scale}|${o.region}`;
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { key, scale: o.scale, region: o.region, points: [] }));
    s.points.push({ x: x(o.date), y: y(o.score), date: o.date, score: o.score });
  }
  const steps = niceSteps(lo, hi);
  const yTicks = steps.map((value) => ({ value, y: y(value) }));
  // A date label is about 60 units wide: ticks at least MIN_TICK_SPACING apart (and at most
  // 6), the first and the last date always labelled.
  const xTicks = spacedTicks([...new Set(dates)].map((date) => ({ date, x: x(date) })), Math.max(MIN_TICK_SPACING, plotW / 5));
  return { series: [...byKey.values()], yTicks, xTicks };
}

/** Whole-number ticks from lo to hi, at most about 6. */
export function niceSteps(lo: number, hi: number): number[] {
  const span = hi - lo;
  const raw = span / 5;
  const mag = Math.max(1, 10 ** Math.floor(Math.log10(raw || 1)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= 6) ?? span;
  const out: number[] = [];
  const startTick = Math.ceil(lo / step) * step;
  for (let v = startTick; v <= hi + 1e-9; v += step) out.push(Math.round(v * 1000) / 1000);
  return out;
}

/** Ticks (in x order) at least `spacing` apart: the first, then each far enough from the one
 *  before; the last always, in place of a kept one too close to it. */
function spacedTicks<T extends { x: number }>(ticks: T[], spacing: number): T[] {
  const out: T[] = [];
  for (const t of ticks) if (out.length === 0 || t.x - out[out.length - 1].x >= spacing) out.push(t);
  const last = ticks[ticks.length - 1];
  if (last && out[out.length - 1] !== last) {
    if (out.length > 1 && last.x - out[out.length - 1].x < spacing) out.pop();
    if (last.x - out[out.length - 1].x >= spacing) out.push(last);
  }
  return out;
}
