import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aftercareWhen, hoursToX, layoutAftercare, layoutCourse } from './timeline';
import type { Plan } from '../types';

// A plan exactly as `dermaplan plan --format json` printed it (web/mock/fixtures/plan.json).
const plan: Plan = JSON.parse(readFileSync(resolve(__dirname, '../../mock/fixtures/plan.json'), 'utf8'));

describe('layoutCourse', () => {
  const layout = layoutCourse(plan.sessions, plan.preparation, plan.assessment_date)!;
  it('spans the earliest preparation task to the last dated item', () => {
    const all = [...plan.preparation.map((p) => p.due), ...plan.sessions.map((s) => s.latest_date), plan.assessment_date!].sort();
    expect(layout.start).toBe(all[0]);
    expect(layout.end).toBe(all[all.length - 1]);
  });
  it('puts every mark on the axis in date order', () => {
    const xs = layout.marks.map((m) => m.x);
    expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(layout.marks.filter((m) => m.kind === 'session')).toHaveLength(plan.sessions.length);
    expect(layout.marks.filter((m) => m.kind === 'assessment')).toHaveLength(1);
  });
  it('keeps optional sessions marked and session windows non-negative', () => {
    const sessions = layout.marks.filter((m) => m.kind === 'session');
    expect(sessions.filter((m) => m.optional).length).toBe(plan.sessions.filter((s) => s.optional).length);
    for (const m of sessions) expect(m.x2!).toBeGreaterThanOrEqual(m.x);
  });
  it('handles a window and a single-day course', () => {
    const l = layoutCourse([{ number: 1, date: '2026-01-01', latest_date: '2026-01-11' }], [])!;
    expect(l.days).toBe(10);
    expect(l.marks[0]).toMatchObject({ x: 0, x2: 1 });
    expect(layoutCourse([{ number: 1, date: '2026-01-01', latest_date: '2026-01-01' }], [])!.marks[0].x).toBe(0);
    expect(layoutCourse([], [])).toBeNull();
  });
});

describe('aftercare timeline', () => {
  it('compresses hours monotonically into 0..1', () => {
    const xs = [0, 1, 24, 48, 168, 336].map((h) => hoursToX(h, 336));
    expect(xs[0]).toBe(0);
    expect(xs[xs.length - 1]).toBe(1);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]);
    expect(hoursToX(24, 336)).toBeGreaterThan(0.5); // the first day gets room
  });
  it('lays out the plan’s aftercare with open-ended items to the end', () => {
    const { bars, ticks, maxHours } = layoutAftercare(plan.aftercare);
    expect(bars).toHaveLength(plan.aftercare.length);
    expect(maxHours).toBeGreaterThanOrEqual(336);
    for (const b of bars) {
      expect(b.to).toBeGreaterThanOrEqual(b.from);
      // An open end runs to the edge; the source's words for an end without a number (seed-002's
      // "for a few days", in the default plan since 2026.12.2) are a mark, not a length.
      if (b.open && !b.vague_end) expect(b.to).toBe(1);
      if (b.vague_end) expect(b.to).toBe(b.from);
    }
    expect(bars.some((b) => b.vague_end === 'for a few days')).toBe(true);
    expect(ticks[0]).toEqual({ hours: 0, x: 0 });
  });
});

describe('aftercare without a precise end', () => {
  // seed-002's make-up instruction as the API returns it when a clinic policy chooses it.
  const fewDays = { id: 'no-makeup', instruction: 'No make-up on the treated area.', from_hours: 0, open_ended: true, vague_end: 'for a few days', sources: ['seed-002'] };
  const noEnd = { id: 'no-scrubbing', instruction: 'Do not scrub.', from_hours: 0, open_ended: true, sources: ['seed-004'] };
  const closed = { id: 'sun-avoidance', instruction: 'Avoid direct sun.', from_hours: 0, to_hours: 336, sources: ['seed-004'] };
  const later = { id: 'exercise', instruction: 'Exercise again.', from_hours: 24, to_hours: 120, sources: ['seed-004'] };

  it.each([
    [fewDays, 'from the session, for a few days (the source gives no number)'],
    [noEnd, 'from the session, no end given'],
    [closed, 'for 2 weeks after the session'],
    [later, '24 h to 5 days after the session'],
  ])('%j applies %s', (item, words) => {
    expect(aftercareWhen(item)).toBe(words);
  });

  it('draws no end bar for the source’s vague words, and keeps them', () => {
    const { bars } = layoutAftercare([fewDays, noEnd, closed]);
    const vague = bars.find((b) => b.id === 'no-makeup')!;
    expect(vague.vague_end).toBe('for a few days');
    expect(vague.to).toBe(vague.from);
    expect(vague.when).toBe('from the session, for a few days (the source gives no number)');
    expect(bars.find((b) => b.id === 'no-scrubbing')).toMatchObject({ open: true, to: 1 });
    expect(bars.find((b) => b.id === 'sun-avoidance')!.vague_end).toBeUndefined();
  });
});
