// Which of a plan's session dates "Add the plan's dates as planned sessions" adds.
import type { StoredPlan, TreatmentSession } from './types';

/**
 * The plan's sessions still to come: not the optional ones, not as many as this plan has
 * sessions for already (documented, or planned and perhaps moved to another day), no past
 * date, no date that has a session. `done` is how many of the plan's sessions are documented.
 * A plan session is a day: the records of one day (one per device) count once.
 */
export function datesToSchedule(stored: StoredPlan, sessions: TreatmentSession[], today: string):
    { toAdd: StoredPlan['plan']['sessions']; done: number } {
  const taken = new Set(sessions.map((s) => s.date));
  // A plan session held with two devices is two records on one day: plan sessions are days.
  const own = sessions.filter((s) => s.plan_id === stored.id);
  const ownDays = new Set(own.map((s) => s.date)).size;
  const done = new Set(own.filter((s) => s.status !== 'planned').map((s) => s.date)).size;
  const toAdd = stored.plan.sessions.filter((ps, i) => !ps.optional && i >= ownDays && ps.date >= today && !taken.has(ps.date));
  return { toAdd, done };
}
