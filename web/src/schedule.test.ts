import { describe, expect, it } from 'vitest';
import { datesToSchedule } from './schedule';
import type { StoredPlan, TreatmentSession } from './types';

const plan = {
  id: 7,
  plan: {
    sessions: [
      { number: 1, date: '2026-12-01' }, { number: 2, date: '2027-01-12' }, { number: 3, date: '2027-02-23' },
      { number: 4, date: '2027-04-06', optional: true },
    ],
  },
} as unknown as StoredPlan;
const session = (date: string, status: TreatmentSession['status'], plan_id = 7) =>
  ({ id: 1, date, status, plan_id }) as TreatmentSession;

describe('the plan dates added as planned sessions', () => {
  const cases: { name: string; sessions: TreatmentSession[]; today: string; dates: string[] }[] = [
    { name: 'a new course: every required date', sessions: [], today: '2026-11-20', dates: ['2026-12-01', '2027-01-12', '2027-02-23'] },
    { name: 'a past date is not planned', sessions: [], today: '2026-12-10', dates: ['2027-01-12', '2027-02-23'] },
    { name: 'the first session was held on another day: it counts as done',
      sessions: [session('2026-12-03', 'signed')], today: '2026-12-03', dates: ['2027-01-12', '2027-02-23'] },
    { name: 'a date planned already is not added twice', sessions: [session('2027-01-12', 'planned', 3)], today: '2026-11-20',
      dates: ['2026-12-01', '2027-02-23'] },
    { name: "a planned session of this plan moved to another day takes that plan date's place",
      sessions: [session('2026-12-04', 'planned')], today: '2026-11-20', dates: ['2027-01-12', '2027-02-23'] },
    { name: "another plan's sessions do not count as done", sessions: [session('2026-12-03', 'signed', 3)], today: '2026-11-20',
      dates: ['2026-12-01', '2027-01-12', '2027-02-23'] },
    { name: 'a plan session held with two devices (two records on one day) counts once',
      sessions: [session('2026-12-01', 'signed'), session('2026-12-01', 'signed')], today: '2026-12-01', dates: ['2027-01-12', '2027-02-23'] },
    { name: 'everything documented: nothing left', sessions: [session('2026-12-01', 'signed'), session('2027-01-12', 'signed'),
      session('2027-02-23', 'performed')], today: '2027-03-01', dates: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(datesToSchedule(plan, c.sessions, c.today).toAdd.map((s) => s.date)).toEqual(c.dates);
    });
  }
});
