import { describe, expect, it } from 'vitest';
import { conditionPlace, droppedCautionsNotice, gateFieldKey, openConditions, overrideInForce, refusedAcknowledgement, unreportedAcknowledgements } from './gate';

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

describe('acknowledgements of cautions the screening no longer reports', () => {
  const herpes = { id: 'herpes-simplex-history', message: 'History of herpes simplex: antiviral prophylaxis' };
  const dark = { id: 'fitzpatrick-4-6', message: 'Darker skin: risk of hyperpigmentation' };
  it.each([
    // ticked on the form,                        reported by the gate,  dropped
    [['herpes-simplex-history'],                   [herpes],              []],
    [['herpes-simplex-history'],                   [],                    ['herpes-simplex-history']],
    [['herpes-simplex-history', 'fitzpatrick-4-6'], [dark],                ['herpes-simplex-history']],
    [['fitzpatrick-4-6', 'herpes-simplex-history'], [herpes, dark],        []],
    [[],                                           [herpes],              []],
  ])('ticked %j, reported %j: drops %j', (ticked, reported, dropped) => {
    expect(unreportedAcknowledgements(new Set(ticked), reported)).toEqual(dropped);
  });

  it('names each dropped caution by its words, or its id when they were never seen', () => {
    const words = new Map([[herpes.id, herpes.message]]);
    expect(droppedCautionsNotice([], words)).toBeNull();
    expect(droppedCautionsNotice([herpes.id], words)).toBe(
      'The screening no longer reports this caution for the session, so its acknowledgement was removed: “History of herpes simplex: antiviral prophylaxis”.');
    expect(droppedCautionsNotice([herpes.id, 'other-id'], words)).toContain('these cautions');
    expect(droppedCautionsNotice([herpes.id, 'other-id'], words)).toContain('“other-id”');
  });

  it('reads which acknowledgement a 400 refuses from its field', () => {
    expect(refusedAcknowledgement('/acknowledged_cautions/0')).toBe(0);
    expect(refusedAcknowledgement('/acknowledged_cautions/12')).toBe(12);
    expect(refusedAcknowledgement('/acknowledged_cautions')).toBeNull();
    expect(refusedAcknowledgement('/lot_number')).toBeNull();
    expect(refusedAcknowledgement(undefined)).toBeNull();
  });
});

describe('an override made when the session was marked performed, kept at signing', () => {
  const deferred = { condition: 'screening_deferred', message: 'defer until 2027-01-20' };
  const caution = { condition: 'caution_unacknowledged', message: 'acknowledge: herpes-history' };
  const lot = { condition: 'lot_number_missing', message: 'record its lot' };
  const passage = (step: string, unmet: typeof deferred[], reason: string | null) => ({ step, overridden: reason !== null, override_reason: reason, unmet });
  const reason = 'Dermatologist letter: cleared for low-depth needling';
  it.each([
    ['the same conditions still open', [passage('performed', [deferred, caution], reason)], [deferred], { reason }],
    ['nothing open', [passage('performed', [deferred], reason)], [], { reason }],
    ['a condition the override did not cover', [passage('performed', [deferred], reason)], [deferred, lot], null],
    ['the message changed (another date)', [passage('performed', [deferred], reason)], [{ ...deferred, message: 'defer until 2027-02-01' }], null],
    ['performed without an override', [passage('performed', [], null)], [deferred], null],
    ['only the latest performed passage counts', [passage('performed', [deferred], reason), passage('performed', [], null)], [deferred], null],
    ['no passage yet', [], [deferred], null],
  ])('%s', (_name, passages, open, expected) => {
    expect(overrideInForce(passages, open)).toEqual(expected);
  });
});
