import { describe, expect, it } from 'vitest';
import { conditionPlace, gateFieldKey, openConditions } from './gate';

describe('treatment gate on the session form', () => {
  it('sends each condition where it is fixed', () => {
    expect(conditionPlace({ condition: 'lot_number_missing', message: '', where: '/lot_number' })).toMatchObject({ field: 'lot_number', tab: null });
    expect(conditionPlace({ condition: 'consent_stale', message: '' }).tab).toBe('consent');
    expect(conditionPlace({ condition: 'screening_deferred', message: '', where: '/intake' }).tab).toBe('intake');
    expect(conditionPlace({ condition: 'plan_missing', message: '' }).tab).toBe('plan');
    expect(conditionPlace({ condition: 'needle_length_above_plan', message: '', where: '/needle_lengths/1' }).field).toBe('needle_lengths');
    expect(conditionPlace({ condition: 'caution_unacknowledged', message: '', where: '/acknowledged_cautions' }).field).toBe('cautions');
  });

  it('counts the cautions ticked here as acknowledged', () => {
    const unmet = [{ condition: 'caution_unacknowledged', message: 'acknowledge' }, { condition: 'lot_number_missing', message: 'lot' }];
    const cautions = [{ id: 'herpes-simplex' }, { id: 'dark-skin' }];
    expect(openConditions(unmet, cautions, new Set(['herpes-simplex'])).map((c) => c.condition)).toEqual(['caution_unacknowledged', 'lot_number_missing']);
    expect(openConditions(unmet, cautions, new Set(['herpes-simplex', 'dark-skin'])).map((c) => c.condition)).toEqual(['lot_number_missing']);
  });

  it('maps a condition to the form field that shows its message', () => {
    expect(gateFieldKey('/needle_lengths/2')).toBe('needle_lengths/2/needle_length_mm');
    expect(gateFieldKey('/lot_number')).toBe('lot_number');
    expect(gateFieldKey(undefined)).toBeNull();
  });
});
