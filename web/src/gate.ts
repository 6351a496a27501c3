// The treatment gate as the session form shows it (GET /api/sessions/{id}/gate, or the 409
// "gate" refusal): which unmet condition the practitioner acknowledges here (a caution) and
// which needs a change elsewhere, and where. Words and places only; the server decides.

import type { GateCondition } from './types';

export interface ConditionPlace {
  /** A field of the session form to focus ("lot_number", "device", "needle_lengths"), or null. */
  field: string | null;
  /** Another screen where it is fixed (the patient's intake, consent or plan tab), or null. */
  tab: 'intake' | 'consent' | 'plan' | null;
  /** What to do, as a button's words. */
  action: string;
}

/** Where the practitioner fixes an unmet condition. */
export function conditionPlace(c: GateCondition): ConditionPlace {
  switch (c.condition) {
    case 'intake_missing':
    case 'intake_unreadable':
    case 'screening_contraindicated':
    case 'screening_deferred':
      return { field: null, tab: 'intake', action: 'Open the intake' };
    case 'caution_unacknowledged':
      return { field: 'cautions', tab: null, action: 'Acknowledge below' };
    case 'consent_missing':
    case 'consent_stale':
      return { field: null, tab: 'consent', action: 'Record the consent' };
    case 'plan_missing':
    case 'region_not_in_plan':
      return { field: c.condition === 'region_not_in_plan' ? 'needle_lengths' : null, tab: 'plan', action: 'Open the plan' };
    case 'device_missing':
      return { field: 'device', tab: null, action: 'Choose the device' };
    case 'lot_number_missing':
      return { field: 'lot_number', tab: null, action: 'Enter the lot' };
    default:
      if (c.where?.startsWith('/needle_lengths') || c.condition.startsWith('needle_length')) return { field: 'needle_lengths', tab: null, action: 'Check the lengths' };
      return { field: c.where ? c.where.replace(/^\//, '') : null, tab: null, action: 'Go to the field' };
  }
}

/**
 * The unmet conditions still open once the practitioner's ticks on this screen are counted: a
 * caution_unacknowledged condition goes when every caution is ticked here (it is sent with the
 * next step).
 */
export function openConditions(unmet: readonly GateCondition[], cautions: readonly { id: string }[], ticked: ReadonlySet<string>): GateCondition[] {
  const allTicked = cautions.every((c) => ticked.has(c.id));
  return unmet.filter((c) => !(c.condition === 'caution_unacknowledged' && allTicked));
}

/** The session form's error key for a gate condition's `where` ("/needle_lengths/0" -> "needle_lengths/0/needle_length_mm"). */
export function gateFieldKey(where: string | undefined): string | null {
  if (!where) return null;
  const m = /^\/needle_lengths\/(\d+)$/.exec(where);
  if (m) return `needle_lengths/${m[1]}/needle_length_mm`;
  return where.replace(/^\//, '');
}

/**
 * The acknowledgements ticked on the form that the gate no longer reports as cautions, in tick
 * order: a later intake, another date or other regions took them away. The server refuses an
 * acknowledgement of a caution it does not report (400 at /acknowledged_cautions/N), so the
 * form drops them.
 */
export function unreportedAcknowledgements(ticked: Iterable<string>, reported: readonly { id: string }[]): string[] {
  const ids = new Set(reported.map((c) => c.id));
  return [...ticked].filter((id) => !ids.has(id));
}

/**
 * What the form says when acknowledgements were dropped: each caution by its message (`known`
 * holds the messages seen on this screen; an unknown id is shown as itself); null for none.
 */
export function droppedCautionsNotice(dropped: readonly string[], known: ReadonlyMap<string, string>): string | null {
  if (dropped.length === 0) return null;
  const names = dropped.map((id) => `“${known.get(id) ?? id}”`).join('; ');
  return dropped.length === 1
    ? `The screening no longer reports this caution for the session, so its acknowledgement was removed: ${names}.`
    : `The screening no longer reports these cautions for the session, so their acknowledgements were removed: ${names}.`;
}

/** The index of the acknowledgement a server error refuses (its field /acknowledged_cautions/N); null for another field. */
export function refusedAcknowledgement(field: string | undefined): number | null {
  const m = /^\/acknowledged_cautions\/(\d+)$/.exec(field ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * The override a signature may keep: the last passage that marked the session performed, when
 * it was overridden and every condition still open was among those it overrode (the server
 * carries its reason to the signature then, and no new reason is needed). Null otherwise.
 */
export function overrideInForce(passages: readonly { step: string; overridden: boolean; override_reason: string | null; unmet: readonly GateCondition[] }[],
  open: readonly GateCondition[]): { reason: string } | null {
  const performed = [...passages].reverse().find((p) => p.step === 'performed');
  if (!performed?.overridden || !performed.override_reason) return null;
  const overridden = new Set(performed.unmet.map((u) => `${u.condition}\u0000${u.message}`));
  return open.every((c) => overridden.has(`${c.condition}\u0000${c.message}`)) ? { reason: performed.override_reason } : null;
}
