import { describe, expect, it } from 'vitest';
import { describeChoice, fitLength, lengthChoice } from './devices';

describe('lengthChoice', () => {
  it('a roller fixes the length to its needles', () => {
    const c = lengthChoice({ id: 'dermaroller-192-1.5', kind: 'roller', needle_length_mm: 1.5 });
    expect(c).toEqual({ kind: 'fixed', mm: 1.5 });
    expect(fitLength(c, 0.5)).toBe(1.5);
    expect(describeChoice(c)).toContain('1.5 mm');
  });

  it('a pen with a step offers each setting, without 0 mm', () => {
    const c = lengthChoice({ id: 'skinpen-precision', kind: 'pen', depth_mm: { min: 0, max: 2.5, step: 0.25 } });
    expect(c.kind).toBe('steps');
    if (c.kind !== 'steps') return;
    expect(c.steps).toEqual([0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5]);
    expect(fitLength(c, 1.1)).toBe(1);
    expect(fitLength(c, 9)).toBe(2.5);
  });

  it('0.1 mm steps stay round numbers', () => {
    const c = lengthChoice({ id: 'dermapen-4', kind: 'pen', depth_mm: { min: 0.2, max: 3.0, step: 0.1 } });
    if (c.kind !== 'steps') throw new Error(c.kind);
    expect(c.steps.length).toBe(29);
    expect(c.steps[1]).toBe(0.3);
    expect(c.steps[28]).toBe(3);
  });

  it('a pen without a step takes any length in its range', () => {
    const c = lengthChoice({ id: 'pen-automated', kind: 'pen', depth_mm: { min: 0.25, max: 2.5, step: 0 } });
    expect(c).toEqual({ kind: 'range', min: 0.25, max: 2.5 });
    expect(fitLength(c, 3)).toBe(2.5);
    expect(fitLength(c, 0.1)).toBe(0.25);
    expect(describeChoice(c)).toContain('no step');
  });

  it('a device without geometry leaves the length free', () => {
    expect(lengthChoice({ id: 'nanopore-stylus', kind: 'stylus' })).toEqual({ kind: 'free' });
    expect(lengthChoice(undefined)).toEqual({ kind: 'free' });
    expect(fitLength({ kind: 'free' }, 0.7)).toBe(0.7);
  });
});
