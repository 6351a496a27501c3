import { describe, expect, it } from 'vitest';
import { deviceGroups, sessionFieldsFromPlan } from './session-from-plan';
import type { StoredPlan } from './types';

// A face plan as the engine gives it: cheek and chin with the 2.0 mm roller, forehead and
// temple with the 0.5 mm one (the region guides there are shallower).
const area = (region: string, device: string, mm: number) => ({ region, region_name: region, device: { id: device, length_mm: mm } });
const stored = {
  id: 2,
  plan: {
    device: { id: 'dermaroller-192-2.0' },
    areas: [area('cheek', 'dermaroller-192-2.0', 2), area('forehead', 'dermaroller-192-0.5', 0.5),
      area('chin', 'dermaroller-192-2.0', 2), area('temple', 'dermaroller-192-0.5', 0.5)],
    passes: { count: { min: 4, max: 6 }, directions: ['horizontal', 'vertical'] },
    anaesthesia: { needed: true, agent: 'lidocaine 5% cream', minutes: { min: 30, max: 45 } },
  },
} as unknown as StoredPlan;

describe('a session from a plan, one per device', () => {
  it('groups the regions by their planned device, in the plan’s order', () => {
    expect(deviceGroups(stored.plan).map((g) => [g.device, g.areas.map((a) => a.region)])).toEqual([
      ['dermaroller-192-2.0', ['cheek', 'chin']],
      ['dermaroller-192-0.5', ['forehead', 'temple']],
    ]);
    expect(deviceGroups({ areas: [] })).toEqual([]);
  });

  it.each([
    // device asked,           device recorded,        regions and lengths
    [undefined,                'dermaroller-192-2.0', [['cheek', 2], ['chin', 2]]],
    ['dermaroller-192-2.0',    'dermaroller-192-2.0', [['cheek', 2], ['chin', 2]]],
    ['dermaroller-192-0.5',    'dermaroller-192-0.5', [['forehead', 0.5], ['temple', 0.5]]],
    ['not-in-the-plan',        'dermaroller-192-2.0', [['cheek', 2], ['chin', 2]]],
  ])('device %s: %s with %j', (asked, device, lengths) => {
    const f = sessionFieldsFromPlan(stored, '2027-01-20', asked);
    expect(f).toMatchObject({ date: '2027-01-20', status: 'planned', plan_id: 2, device, passes: 4, directions: 'horizontal, vertical',
      anaesthetic: 'lidocaine 5% cream', anaesthetic_minutes: 30 });
    expect(f.needle_lengths!.map((n) => [n.region, n.needle_length_mm])).toEqual(lengths);
  });

  it('without a plan: the date only', () => {
    expect(sessionFieldsFromPlan(undefined, '2027-01-20')).toEqual({ date: '2027-01-20', status: 'planned' });
  });
});
