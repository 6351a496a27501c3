// Which of a plan's session dates "Add the plan's dates as planned sessions" adds.
import type { StoredPlan, TreatmentSession } from './types';

/**
 * The plan's sessions still to come: not the optional ones, not as many as are documented
 * already for this plan (performed or signed, held on their own dates), no past date, no date
 * that has a session. `done` is how many of the plan's sessions are documented.
 */
export function datesToSchedule(stored: StoredPlan, sessions: TreatmentSession[], today: string):
    { toAdd: StoredPlan['plan']['sessions']; done: number } {
  const taken = new Set(sessions.map((s) => s.date));
  const done = sessions.filter((s) => s.plan_id === stored.id && s.status !== 'planned').length;
  const toAdd = stored.plan.sessions.filter((ps, i) => !ps.optional && i >= done && ps.date >= today && !taken.has(ps.date));
  return { toAdd, done };
}
