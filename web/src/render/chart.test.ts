import { describe, expect, it } from 'vitest';
import { layoutOutcomeChart, niceSteps } from './chart';
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
