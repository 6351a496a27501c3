import { describe, expect, it } from 'vitest';
import { consentPart, screeningPart, statusParts } from './patient-status';
import type { PatientStatus } from './types';

const base: PatientStatus = { screening_decision: 'none', intake_version: 0, deferred_until: null, consent: 'none', plan_indication: '' };

describe('patient status', () => {
  it('says when there is no intake and no consent', () => {
    expect(statusParts(base, '2026-11-22').map((p) => [p.level, p.text])).toEqual([['none', 'no intake'], ['none', 'no consent']]);
  });

  it('shows a deferral with its end while it lasts', () => {
    const s = { ...base, screening_decision: 'defer' as const, intake_version: 2, deferred_until: '2026-12-01' };
    const p = screeningPart(s, '2026-11-22', 'en-GB');
    expect(p.level).toBe('defer');
    expect(p.text).toBe('deferred until 1 Dec 2026');
    expect(p.detail).toMatch(/9 days from today/);
  });

  it('says a deferral that has ended needs a new screening', () => {
    const s = { ...base, screening_decision: 'defer' as const, intake_version: 1, deferred_until: '2026-11-22' };
    const p = screeningPart(s, '2026-11-22', 'en-GB');
    expect(p.level).toBe('caution');
    expect(p.text).toBe('deferral ended 22 Nov 2026');
    expect(p.detail).toMatch(/screen again/);
  });

  it('maps each decision to its level', () => {
    for (const [d, level] of [['eligible', 'ok'], ['caution', 'caution'], ['contraindicated', 'contra']] as const)
      expect(screeningPart({ ...base, screening_decision: d, intake_version: 1 }, '2026-11-22').level).toBe(level);
  });

  it('names the form a consent is current or stale for', () => {
    const names = (id: string) => (id === 'acne-scars' ? 'Acne scars' : id);
    expect(consentPart({ ...base, consent: 'current' }).detail).toMatch(/general form/);
    const stale = consentPart({ ...base, consent: 'stale', plan_indication: 'acne-scars' }, names);
    expect(stale.level).toBe('caution');
    expect(stale.text).toBe('consent outdated');
    expect(stale.detail).toMatch(/Acne scars form/);
  });
});
