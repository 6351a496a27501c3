// A session's starting values from a saved plan (its device, needle lengths, passes, directions
// and anaesthetic; the practitioner documents what was actually done), one session per device:
// a plan may treat some regions with another device (a second roller of another length), and
// the treatment gate wants each device in a session of its own, with its own lot.

import type { SessionFields } from './api';
import type { Plan, PlanArea, StoredPlan } from './types';

export interface DeviceGroup {
  device: string;
  areas: PlanArea[];
}

/** The plan's regions by the device each is planned with, in the plan's order of first use. */
export function deviceGroups(plan: Pick<Plan, 'areas'>): DeviceGroup[] {
  const groups: DeviceGroup[] = [];
  for (const a of plan.areas ?? []) {
    const g = groups.find((x) => x.device === a.device.id);
    if (g) g.areas.push(a);
    else groups.push({ device: a.device.id, areas: [a] });
  }
  return groups;
}

/**
 * The fields of a new planned session from `stored` on `date`, for the regions planned with
 * `device` (default: the plan's first device). Without a plan: the date only.
 */
export function sessionFieldsFromPlan(stored: StoredPlan | undefined, date: string, device?: string): SessionFields {
  // Documentation starts as planned; marking it performed goes through the treatment gate.
  const fields: SessionFields = { date, status: 'planned' };
  if (!stored) return fields;
  const plan = stored.plan;
  const groups = deviceGroups(plan);
  const group = groups.find((g) => g.device === device) ?? groups[0];
  fields.plan_id = stored.id;
  fields.device = group?.device ?? plan.device.id;
  fields.needle_lengths = (group?.areas ?? []).map((a) => ({ region: a.region, needle_length_mm: a.device.length_mm }));
  fields.passes = plan.passes.count.min;
  fields.directions = plan.passes.directions.join(', ');
  if (plan.anaesthesia.needed) {
    fields.anaesthetic = plan.anaesthesia.agent;
    fields.anaesthetic_minutes = plan.anaesthesia.minutes.min;
  }
  return fields;
}
