// The audit log's rows in words (GET /api/audit): what happened to which record, a read told
// apart from a change, the detail's JSON as a sentence. The raw detail stays available beside it.

import { formatDay } from './dates';
import type { AuditEntry } from './types';

/** Reads against everything else (writes, sign, amend, logins, backups, exports). */
export function auditKind(action: string): 'read' | 'write' {
  return action === 'read' ? 'read' : 'write';
}

const ENTITY_LABEL: Record<string, string> = {
  patient: 'patient', intake: 'intake', consent: 'consent', course_plan: 'course plan', session: 'session',
  adverse_event: 'adverse event', outcome: 'outcome score', photo: 'photo', user: 'user account', audit: 'audit log',
  agenda: 'agenda', lot: 'lot', database: 'database', practice: 'practice',
};

const ACTION_LABEL: Record<string, string> = {
  read: 'read', create: 'created', update: 'changed', delete: 'deleted', sign: 'signed', amend: 'amended',
  login: 'logged in', logout: 'logged out', login_failed: 'failed login', backup: 'backup', restore: 'restore', export: 'export',
};

export function entityLabel(entity: string): string {
  return ENTITY_LABEL[entity] ?? entity.replace(/_/g, ' ');
}

export function actionLabel(action: string): string {
  return ACTION_LABEL[action] ?? action.replace(/_/g, ' ');
}

const FIELD_WORDS: Record<string, string> = {
  birth_date: 'birth date', display_name: 'display name', lot_number: 'lot number', needle_lengths: 'needle lengths',
  device_id: 'device', session_date: 'session date', practitioner_id: 'practitioner', anaesthetic_minutes: 'anaesthetic minutes',
  end_point: 'end point', products_applied: 'products applied', text_version: 'text version', scale_id: 'scale',
  resolution_date: 'resolved on', plan_id: 'plan',
};
const words = (key: string) => FIELD_WORDS[key] ?? key.replace(/_/g, ' ');
const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function parse(detail: string): Record<string, unknown> | null {
  if (!detail.startsWith('{')) return null;
  try {
    const v = JSON.parse(detail) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function scalar(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.map(scalar).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The rest of a JSON detail as "key: value; key: value", leaving out what the sentence said. */
function rest(d: Record<string, unknown>, shown: string[]): string {
  return Object.entries(d).filter(([k]) => !shown.includes(k)).map(([k, v]) => `${words(k)}: ${scalar(v)}`).join('; ');
}

function join(...parts: (string | null | undefined | false)[]): string {
  return parts.filter((p): p is string => !!p).join('; ');
}

/**
 * One sentence for an audit row, in the admin's words. `patientName` turns a patient id into a
 * name (for list reads: how many were shown, and the first names).
 */
export function auditSentence(e: AuditEntry, patientName: (id: number) => string = (id) => `patient #${id}`, locale?: string): string {
  const d = parse(e.detail);
  const what = entityLabel(e.entity);
  const id = e.record_id ? ` #${e.record_id}` : '';
  switch (e.action) {
    case 'login': return `Logged in${e.detail ? ` ${e.detail}` : ''}`;
    case 'logout': return 'Logged out';
    case 'login_failed': return `Wrong password${e.detail ? ` (${e.detail})` : ''}`;
    case 'backup': return `Backup written to ${e.detail}`;
    case 'restore': return `Restored${e.detail ? ` from ${e.detail}` : ''}`;
    case 'export': return `Exported ${e.entity === 'patient' ? `the record of ${patientName(e.record_id)}` : 'the practice'}${d ? ` (${rest(d, [])})` : e.detail ? ` (${e.detail})` : ''}`;
    default: break;
  }
  if (e.action === 'read') {
    if (e.entity === 'audit') return `Read the audit log${e.detail ? ` (${e.detail.replace(/^GET \/api\/audit ?/, '').replace(/\b(\w+)= (?=\w+=|->|$)/g, '').trim() || 'no filter'})` : ''}`;
    if (e.entity === 'patient' && d && Array.isArray(d.ids)) {
      const ids = d.ids as number[];
      const q = (d.list as { q?: string } | undefined)?.q;
      const names = ids.slice(0, 3).map(patientName).join(', ');
      return `Listed ${plural(ids.length, 'patient')}${q ? ` matching “${q}”` : ''}${ids.length ? `: ${names}${ids.length > 3 ? ', …' : ''}` : ''}`;
    }
    if (e.entity === 'agenda' && d) return `Opened the agenda of ${formatDay(String(d.date ?? ''), locale)} (${plural(Array.isArray(d.patients) ? d.patients.length : 0, 'patient')})`;
    if (e.entity === 'lot' && d) return `Traced lot ${scalar(d.lot)} (${plural(Array.isArray(d.patients) ? d.patients.length : 0, 'patient')})`;
    if (e.entity === 'photo') return `Viewed a photo${d?.sha256 ? ` (${String(d.sha256).slice(0, 12)}…)` : ''}`;
    if (e.entity === 'patient' && e.record_id) return 'Opened the patient’s record';
    if (e.record_id) return `Opened ${what}${id}`;
    return `Read ${what}${e.detail && !d ? ` (${e.detail})` : d ? ` (${rest(d, [])})` : ''}`;
  }
  if (!d) return `${actionLabel(e.action).replace(/^./, (c) => c.toUpperCase())} ${what}${id}${e.detail ? `: ${e.detail}` : ''}`;
  const fields = Array.isArray(d.fields) ? (d.fields as string[]).map(words) : null;
  switch (`${e.entity}/${e.action}`) {
    case 'patient/create': return 'Created the patient record';
    case 'patient/update': return fields ? `Changed the patient’s ${list(fields)}` : `Changed the patient (${rest(d, [])})`;
    case 'patient/delete': return `Deleted the patient record${d.reason ? `; reason: ${scalar(d.reason)}` : ''}`;
    case 'intake/create': return `Saved intake version ${scalar(d.version)}`;
    case 'consent/create': return join(`Recorded a consent (text ${scalar(d.text_version)})`, rest(d, ['patient_id', 'text_version']));
    case 'course_plan/create': return `Saved a course plan${d.indication ? ` for ${scalar(d.indication)}` : ''}`;
    case 'session/create': return join(`Created session${id}`, d.status ? `status ${scalar(d.status)}` : null, d.lot_number ? `lot ${scalar(d.lot_number)}` : null,
      rest(d, ['patient_id', 'status', 'lot_number']));
    case 'session/update': return join(`Changed session${id}${fields?.length ? `: ${list(fields)}` : ''}`, d.status ? `status ${scalar(d.status)}` : null,
      rest(d, ['patient_id', 'fields', 'status']));
    case 'session/sign': return join(`Signed session${id}`, rest(d, ['patient_id']));
    case 'session/amend': return join(`Amended session${id}: ${words(String(d.field ?? ''))}`, d.amendment_id ? `amendment #${scalar(d.amendment_id)}` : null,
      rest(d, ['patient_id', 'field', 'amendment_id']));
    case 'adverse_event/create': return `Recorded an adverse event${d.severity ? ` (${scalar(d.severity)})` : ''}`;
    case 'adverse_event/update': return `Changed adverse event${id}${d.resolution_date ? `; resolved on ${scalar(d.resolution_date)}` : ''}`;
    case 'outcome/create': return `Recorded an outcome score${d.scale_id ? ` (${scalar(d.scale_id)})` : ''}`;
    case 'photo/create': return `Added a photo${d.tag ? ` (${scalar(d.tag)})` : ''}`;
    case 'user/create': return `Created user ${scalar(d.username)} as ${scalar(d.role)}`;
    case 'user/update': {
      const parts = Object.entries(d).map(([k, v]) => (k === 'password' ? 'password changed' : k === 'disabled' ? (v ? 'disabled' : 'enabled') : `${words(k)} → ${scalar(v)}`));
      return `Changed user${id}${parts.length ? `: ${parts.join(', ')}` : ''}`;
    }
    default: {
      const r = rest(d, ['patient_id']);
      return `${actionLabel(e.action).replace(/^./, (c) => c.toUpperCase())} ${what}${id}${r ? `: ${r}` : ''}`;
    }
  }
}
