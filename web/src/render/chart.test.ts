import { describe, expect, it } from 'vitest';
import { CHART_MIN_WIDTH, MIN_TICK_SPACING, chartDrawWidth, layoutOutcomeChart, niceSteps } from './chart';
import type { Outcome } from '../types';

const o = (id: number, date: string, score: number, region = ''): Outcome => ({ id, scale: 'vancouver', score, region, date, notes: '', session_id: 0 });
const box = { width: 500, height: 200, left: 40, right: 10, top: 10, bottom: 30 };

describe('layoutOutcomeChart', () => {
  it('draws one series per region, in date order, inside the plot', () => {
    const l = layoutOutcomeChart([o(2, '2027-03-01', 6, 'cheek'), o(1, '2026-12-01', 9, 'cheek'), o(3, '2027-01-01', 4, 'forehead')], { min: 0, max: 13 }, box);
    expect(l.series.map((s) => s.region)).toEqual(['cheek', 'forehead']);
    const cheek = l.series[0].points;
    expect(cheek.map((p) => p.date)).toEqual(['2026-12-01', '2027-03-01']);
    expect(cheek[0].x).toBe(40);
    expect(cheek[1].x).toBe(490);
    // a lower score sits lower on the chart (larger y)
    expect(cheek[1].y).toBeGreaterThan(cheek[0].y);
    expect(l.yTicks[0]).toMatchObject({ value: 0, y: 170 });
  });
  it('centres a single score and clamps out-of-range values', () => {
    const l = layoutOutcomeChart([o(1, '2026-12-01', 99)], { min: 0, max: 13 }, box);
    expect(l.series[0].points[0].x).toBe(40 + 450 / 2);
    expect(l.series[0].points[0].y).toBe(10);
  });
});

describe('niceSteps', () => {
  it('gives a handful of round ticks', () => {
    expect(niceSteps(0, 13)).toEqual([0, 5, 10]);
    expect(niceSteps(1, 4)).toEqual([1, 2, 3, 4]);
    expect(niceSteps(6, 60)).toEqual([10, 20, 30, 40, 50, 60]);
  });
});

describe('on a phone', () => {
  const monthly = Array.from({ length: 10 }, (_, i) => o(i + 1, `2027-${String(i + 1).padStart(2, '0')}-01`, 9 - (i % 4), 'cheek'));

  it('draws at the width shown, up to the preferred one, so that text keeps its size', () => {
    expect(chartDrawWidth(330, 560)).toBe(330);
    expect(chartDrawWidth(900, 560)).toBe(560);
    expect(chartDrawWidth(120, 560)).toBe(CHART_MIN_WIDTH);
    expect(chartDrawWidth(0, 560)).toBe(560);  // not laid out yet
  });

  it('keeps the dated ticks apart on a narrow drawing', () => {
    const narrow = layoutOutcomeChart(monthly, { min: 0, max: 13 }, { ...box, width: 330 });
    expect(narrow.xTicks.length).toBeLessThan(6);
    expect(narrow.xTicks.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < narrow.xTicks.length; i++)
      expect(narrow.xTicks[i].x - narrow.xTicks[i - 1].x).toBeGreaterThanOrEqual(MIN_TICK_SPACING);
    expect(narrow.xTicks[0].date).toBe('2027-01-01');
    expect(narrow.xTicks.at(-1)!.date).toBe('2027-10-01');
    // the desktop drawing has more, at most six
    const wide = layoutOutcomeChart(monthly, { min: 0, max: 13 }, { ...box, width: 560 }).xTicks;
    expect(wide.length).toBeGreaterThan(narrow.xTicks.length);
    expect(wide.length).toBeLessThanOrEqual(6);
  });

  it('labels dates close together once, on any width', () => {
    const l = layoutOutcomeChart([o(1, '2027-01-01', 9), o(2, '2027-01-04', 8), o(3, '2027-12-01', 5)], { min: 0, max: 13 }, box);
    expect(l.xTicks.map((t) => t.date)).toEqual(['2027-01-01', '2027-12-01']);
  });
});
