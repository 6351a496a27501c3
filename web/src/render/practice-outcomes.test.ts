import { describe, expect, it } from 'vitest';
import {
  chartScale, cohortLabel, defaultFilters, filtersQuery, layoutEventBars, layoutTrajectories, meanText, nText, parseFilters, rateText,
  TOO_FEW, type Cohort, type OutcomesReport,
} from './practice-outcomes';

const withheld = { suppressed: true as const, reason: 'too few patients (fewer than 5)' };
const mean = (m: number, n: number, ci: [number, number] | null = [m - 0.4, m + 0.4]) =>
  ({ suppressed: false as const, n, patients: n, mean: m, sd: 0.5, ci });
const rate = (r: number, n: number) => ({ suppressed: false as const, n, patients: n, count: Math.round(r * n), rate: r, ci: [r / 2, r * 1.5] as [number, number] });

function cohort(indication: string, change12: number | null, changeCi: [number, number] | null = null): Cohort {
  return {
    key: { indication }, suppressed: false, indication, courses: 6, patients: 6,
    completed: rate(1, 6), abandoned: rate(0, 6), ongoing: 0, days_to_assessment: mean(56, 6), median_days_to_assessment: 56,
    adverse_event_sessions: rate(0.05, 18),
    protocol: { needle_length_mm: { min: 1, max: 1.5, mean: 1.2 }, sessions: { min: 3, max: 3, mean: 3 }, median_interval_days: 28, device_kinds: ['roller'] },
    scales: change12 === null ? [] : [{
      scale: 'goodman-baron-qualitative', name: 'Goodman & Baron', better: 'lower', responder_threshold: { improvement: 1, sources: ['x'] },
      baseline: mean(4, 6),
      follow_ups: [
        { window: { from: 'first-session', week: 4, days: [14, 42] }, change: mean(change12 / 3, 6), score: mean(4, 6), responders: null },
        { window: { from: 'first-session', week: 12, days: [70, 112] }, change: mean(change12, 6, changeCi ?? [change12 - 0.4, change12 + 0.4]), score: mean(3, 6), responders: rate(0.5, 6) },
        { window: { from: 'last-session', week: 8, days: [42, 70] }, change: mean(-9, 6), score: mean(1, 6), responders: null },
      ],
    }],
    literature: [], literature_notes: [], also_published: [],
  };
}

function report(cohorts: Cohort[], scale: string | null = null): OutcomesReport {
  return {
    notice: 'Observational practice data, not a trial: ...',
    report: { group_by: ['indication'], indications: [], scale, from: null, to: null, as_of: '2026-12-01', min_cell_patients: 5, confidence: 0.95 },
    knowledge_version: 'kb', definitions: [], comparisons: [],
    totals: { courses: 10, patients: 10, sessions: 30, courses_without_sessions: 0, scores_on_unknown_scales: 0 },
    cohorts,
    adverse_events: {
      sessions: 30, events: 2, events_without_session: 0, any: rate(2 / 30, 30),
      by_type: [], by_severity: [],
      by_device: [{ category: 'dermaroller-192-1.5', rate: rate(0.1, 20), events: 2 }, { category: 'pen-automated', rate: withheld }],
      by_lot: [], lots_compared: 0,
    },
    needle_length: [],
  };
}

describe('filters in the address', () => {
  it('round-trip, defaults left out, so a view can be bookmarked', () => {
    const f = { ...defaultFilters(), by: ['indication', 'device'], indication: 'acne-scars', from: '2026-01-01', minCell: 6 };
    const q = filtersQuery(f);
    expect(q).toBe('?by=indication,device&indication=acne-scars&from=2026-01-01&min_cell=6');
    expect(parseFilters(q)).toEqual(f);
    expect(filtersQuery(defaultFilters())).toBe('');
  });
  it('drop what the report does not know and never go below three', () => {
    const f = parseFilters('by=colour,device,device&min_cell=1&from=yesterday&x=1');
    expect(f.by).toEqual(['device']);
    expect(f.minCell).toBe(3);
    expect(f.from).toBe('');
  });
});

describe('figures as text', () => {
  it('gives n beside a figure and "too few" for a withheld one, never its numbers', () => {
    expect(meanText(mean(-1.5, 6, [-1.92, -1.08]))).toBe('−1.50 (95% CI −1.92 to −1.08)');
    expect(nText(mean(-1.5, 6))).toBe('n = 6');
    expect(meanText(withheld)).toBe(TOO_FEW);
    expect(nText(withheld)).toBe('');
    expect(rateText(rate(0.125, 40))).toBe('12.5% (6.3 to 18.8)');
    expect(rateText(rate(0.1, 20), true)).toBe('10.0 per 100 (5.0 to 15.0)');
    expect(rateText(withheld, true)).toBe(TOO_FEW);
    expect(meanText(mean(0.25, 3, null))).toBe('+0.25');
  });
  it('labels a cohort by its key in the order grouped', () => {
    const c: Cohort = { key: { indication: 'acne-scars', device: 'pen' }, suppressed: true, reason: 'x' };
    expect(cohortLabel(c, ['device', 'indication'], (d, v) => `${d}:${v}`)).toBe('device:pen · indication:acne-scars');
  });
});

describe('the score-change chart', () => {
  const box = { width: 500, height: 220, left: 40, right: 10, top: 10, bottom: 30 };
  it('draws each shown cohort from baseline through the weeks after the first session, with intervals', () => {
    const r = report([cohort('acne-scars', -1.5), cohort('melasma', -0.5), { key: { indication: 'burn-scars' }, ...withheld }]);
    expect(chartScale(r)).toBe('goodman-baron-qualitative');
    const l = layoutTrajectories(r, 'goodman-baron-qualitative', box);
    expect(l.series.map((s) => s.label)).toEqual(['acne-scars', 'melasma']);
    expect(l.withheld).toEqual(['burn-scars']);
    const acne = l.series[0].points;
    expect(acne.map((p) => p.week)).toEqual([0, 4, 12]);  // the last-session window is not on this axis
    expect(acne[0].y).toBeCloseTo(l.zeroY);
    expect(acne[0].yLow).toBeNull();
    // a larger fall sits lower; the interval spans the point
    expect(acne[2].y).toBeGreaterThan(l.series[1].points[2].y);
    expect(acne[2].yLow!).toBeGreaterThan(acne[2].y);
    expect(acne[2].yHigh!).toBeLessThan(acne[2].y);
    expect(acne[2].x).toBe(box.width - box.right);  // week 12 is the last week with data
    expect(l.xTicks.map((t) => t.week)).toEqual([0, 4, 8, 12]);
  });
  it('has nothing to draw when every cohort is withheld', () => {
    const l = layoutTrajectories(report([{ key: { indication: 'a' }, ...withheld }]), 'goodman-baron-qualitative', box);
    expect(l.series).toEqual([]);
    expect(l.withheld).toEqual(['a']);
    expect(chartScale(report([]))).toBe('');
  });
});

describe('adverse events by device', () => {
  it('draws a bar per 100 sessions with its interval, and a withheld device as too few', () => {
    const box = { width: 500, height: 0, left: 100, right: 20, top: 8, bottom: 20 };
    const l = layoutEventBars(report([]), box);
    expect(l.max).toBe(15);  // the interval's top (15 per 100) rounded up to 5
    const [roller, pen] = l.bars;
    expect(roller.per100).toBeCloseTo(10);
    expect(roller.width).toBeCloseTo((10 / 15) * 380);
    expect(roller.xLow).toBeLessThan(roller.x + roller.width);
    expect(roller.xHigh).toBeCloseTo(box.left + 380);
    expect(roller.sessions).toBe(20);
    expect(pen.suppressed).toBe(true);
    expect(pen.width).toBe(0);
    expect(l.height).toBe(8 + 2 * 26 + 20);
  });
});
