import { describe, expect, it } from 'vitest';
import { depthScale, depthStyle, formatMm, lengthAgainstRange, lengthNotes } from './depth';
import type { DepthCheck } from '../types';

const check = (needle_um: number, reach: string): DepthCheck => ({
  needle_um, nominal_reach: reach, epidermis_um: { min: 66, max: 121 }, dermis_um: { min: 870, max: 1140 },
  skin_um: { min: 936, max: 1261 }, exceeds_dermis: needle_um > 936, bleeding_expected: needle_um >= 1000, depth_class: 'medical', sources: [],
});

describe('depthStyle', () => {
  it('colours the engine’s reach, from calm to alarming', () => {
    const levels = ['epidermis', 'dermis', 'dermis-or-beyond', 'beyond-dermis'].map((r) => depthStyle({ nominal_reach: r }));
    expect(levels.map((l) => l.level)).toEqual(['epidermis', 'dermis', 'dermis-or-beyond', 'beyond-dermis']);
    expect(new Set(levels.map((l) => l.colour)).size).toBe(4);
    expect(depthStyle({ nominal_reach: 'beyond-dermis' }).colour).toBe('#b83a3a');
  });
  it('does not invent a verdict for an unknown or missing reach', () => {
    expect(depthStyle({ nominal_reach: 'somewhere' }).level).toBe('unknown');
    expect(depthStyle(undefined).level).toBe('unknown');
  });
});

describe('depthScale', () => {
  it('places the layers and the needle on one scale with headroom', () => {
    const sc = depthScale(check(2000, 'beyond-dermis'));
    expect(sc.max_um).toBeCloseTo(2200);
    expect(sc.needle).toBeCloseTo(2000 / 2200);
    expect(sc.epidermis.to).toBeCloseTo(121 / 2200);
    expect(sc.skinEnd.from).toBeCloseTo(936 / 2200);
    expect(sc.skinEnd.to).toBeCloseTo(1261 / 2200);
  });
  it('scales to the skin when the needle is short', () => {
    const sc = depthScale(check(500, 'dermis'));
    expect(sc.max_um).toBeCloseTo(1261 * 1.1);
    expect(sc.needle).toBeLessThan(sc.skinEnd.from);
  });
});

describe('lengthAgainstRange', () => {
  it('compares a typed length with the plan’s range', () => {
    const r = { min: 0.5, max: 1.0 };
    expect(lengthAgainstRange(0.5, r)).toBe('within');
    expect(lengthAgainstRange(1.0, r)).toBe('within');
    expect(lengthAgainstRange(0.25, r)).toBe('below');
    expect(lengthAgainstRange(1.5, r)).toBe('above');
    expect(lengthAgainstRange(Number.NaN, r)).toBe('unknown');
    expect(lengthAgainstRange(1, undefined)).toBe('unknown');
  });
  it('formats millimetres', () => {
    expect(formatMm(2)).toBe('2.0 mm');
    expect(formatMm(0.25)).toBe('0.25 mm');
    expect(formatMm(1.5)).toBe('1.5 mm');
  });
});

describe('lengthNotes', () => {
  const area = { needle_length_mm: { min: 1.5, max: 2.5 }, device: { length_mm: 2 }, region_guide_mm: { min: 0.5, max: 1 } };
  it('says when a length is as planned and points out what it leaves', () => {
    const notes = lengthNotes(2, area);
    expect(notes[0]).toEqual({ level: 'ok', text: 'as planned (2.0 mm)' });
    expect(notes.filter((n) => n.level === 'warn').map((n) => n.text)).toEqual(['above this region’s depth guide 0.5–1.0 mm']);
  });
  it('warns outside the indication’s range', () => {
    const notes = lengthNotes(1, area);
    expect(notes[0]).toEqual({ level: 'info', text: 'plan: 2.0 mm' });
    expect(notes.some((n) => n.level === 'warn' && n.text.startsWith('below the indication’s 1.5–2.5 mm'))).toBe(true);
    expect(notes.some((n) => n.text.includes('depth guide'))).toBe(false);
  });
  it.each([
    // recorded, planned, plan's range, first note
    [2, 0.5, { min: 0.5, max: 0.5 }, { level: 'warn', text: 'longer than the plan allows here (0.5 mm at most): the treatment gate refuses it' }],
    [0.75, 0.5, { min: 0.5, max: 1 }, { level: 'info', text: 'plan: 0.5 mm' }],
    [0.25, 0.5, { min: 0.5, max: 1 }, { level: 'info', text: 'plan: 0.5 mm' }],
    [1, 0.5, undefined, { level: 'warn', text: 'longer than the plan allows here (0.5 mm at most): the treatment gate refuses it' }],
  ])('%f mm where %f is planned (range %j): %j', (mm, planned, range, first) => {
    expect(lengthNotes(mm, { needle_length_mm: { min: 0.25, max: 2.5, planned_range: range }, device: { length_mm: planned } })[0]).toEqual(first);
  });
  it('says nothing without a plan or a length', () => {
    expect(lengthNotes(1, undefined)).toEqual([]);
    expect(lengthNotes(Number.NaN, area)).toEqual([]);
  });
});
