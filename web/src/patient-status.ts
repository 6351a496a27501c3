// A patient's status as the list and the agenda show it (GET /api/patients, GET /api/agenda):
// the latest screening decision, a deferral's end against today, and the consent on record.
// Words only; the decisions are the server's.

import { daysBetween, formatDay } from './dates';
import type { PatientStatus } from './types';

export type StatusLevel = 'ok' | 'caution' | 'defer' | 'contra' | 'none';

export interface StatusPart {
  kind: 'screening' | 'consent';
  level: StatusLevel;
  text: string;
  /** A longer sentence for the title / accessible description. */
  detail: string;
}

/** The screening part: the decision, "deferred until <day>" while the deferral lasts. */
export function screeningPart(s: PatientStatus, today: string, locale?: string): StatusPart {
  switch (s.screening_decision) {
    case 'none':
      return { kind: 'screening', level: 'none', text: 'no intake', detail: 'No intake on record: not screened yet.' };
    case 'eligible':
      return { kind: 'screening', level: 'ok', text: 'eligible', detail: `Eligible (intake v${s.intake_version}).` };
    case 'caution':
      return { kind: 'screening', level: 'caution', text: 'caution', detail: `Caution: findings to acknowledge before treatment (intake v${s.intake_version}).` };
    case 'contraindicated':
      return { kind: 'screening', level: 'contra', text: 'contraindicated', detail: `Contraindicated (intake v${s.intake_version}).` };
    case 'defer': {
      if (!s.deferred_until) return { kind: 'screening', level: 'defer', text: 'deferred', detail: `Deferred, no end date (intake v${s.intake_version}).` };
      const day = formatDay(s.deferred_until, locale);
      const left = daysBetween(today, s.deferred_until);
      if (left > 0) return { kind: 'screening', level: 'defer', text: `deferred until ${day}`, detail: `Deferred until ${day}, ${left} day${left === 1 ? '' : 's'} from today (intake v${s.intake_version}).` };
      return { kind: 'screening', level: 'caution', text: `deferral ended ${day}`, detail: `The deferral ended on ${day}; screen again before treating (intake v${s.intake_version}).` };
    }
    default:
      return { kind: 'screening', level: 'none', text: String(s.screening_decision), detail: String(s.screening_decision) };
  }
}

/** The consent part: none, current for the latest plan, or stale (the form changed since). */
export function consentPart(s: PatientStatus, indicationName: (id: string) => string = (id) => id): StatusPart {
  const forWhat = s.plan_indication ? `the ${indicationName(s.plan_indication)} form` : 'the general form';
  if (s.consent === 'current') return { kind: 'consent', level: 'ok', text: 'consent', detail: `Consent on record: ${forWhat} as shown today.` };
  if (s.consent === 'stale') return { kind: 'consent', level: 'caution', text: 'consent outdated', detail: `No consent on record for ${forWhat} as it reads today; record it again.` };
  return { kind: 'consent', level: 'none', text: 'no consent', detail: 'No consent on record.' };
}

export function statusParts(s: PatientStatus, today: string, opts: { locale?: string; indicationName?: (id: string) => string } = {}): StatusPart[] {
  return [screeningPart(s, today, opts.locale), consentPart(s, opts.indicationName)];
}
