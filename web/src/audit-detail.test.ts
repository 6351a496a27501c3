import { describe, expect, it } from 'vitest';
import { auditKind, auditSentence } from './audit-detail';
import type { AuditEntry } from './types';

const row = (action: string, entity: string, record_id: number, detail: string): AuditEntry =>
  ({ seq: 1, at: '2026-11-22T09:00:00Z', user_id: 2, username: 'dr.lee', action, entity, record_id, detail, hash: '' });
const names = (id: number) => ({ 1: 'Maria Example', 2: 'Otto Other', 3: 'Ana', 4: 'Ben' } as Record<number, string>)[id] ?? `patient #${id}`;

describe('audit rows in words', () => {
  it('tells reads from changes', () => {
    expect(auditKind('read')).toBe('read');
    for (const a of ['create', 'update', 'delete', 'sign', 'amend', 'login', 'backup']) expect(auditKind(a)).toBe('write');
  });

  it('says what a list read showed, with names', () => {
    expect(auditSentence(row('read', 'patient', 0, '{"ids":[1,2,3,4],"list":{"offset":0,"q":"a"}}'), names))
      .toBe('Listed 4 patients matching “a”: Maria Example, Otto Other, Ana, …');
    expect(auditSentence(row('read', 'patient', 0, '{"ids":[],"list":{"offset":0,"q":""}}'), names)).toBe('Listed 0 patients');
    expect(auditSentence(row('read', 'patient', 1, 'GET /api/patients/1'), names)).toBe('Opened the patient’s record');
    expect(auditSentence(row('read', 'session', 7, 'GET /api/sessions/7'))).toBe('Opened session #7');
    expect(auditSentence(row('read', 'agenda', 0, '{"date":"2026-11-22","patients":[1,2]}'), names, 'en-GB')).toBe('Opened the agenda of 22 Nov 2026 (2 patients)');
    expect(auditSentence(row('read', 'lot', 0, '{"lot":"LOT-42","patients":[1]}'))).toBe('Traced lot LOT-42 (1 patient)');
  });

  it('writes the changes of a session as sentences', () => {
    expect(auditSentence(row('create', 'session', 5, '{"lot_number":"LOT-1","patient_id":1,"status":"performed"}'))).toBe('Created session #5; status performed; lot LOT-1');
    expect(auditSentence(row('update', 'session', 5, '{"fields":["lot_number","passes"],"patient_id":1,"status":"performed"}')))
      .toBe('Changed session #5: lot number and passes; status performed');
    expect(auditSentence(row('sign', 'session', 5, '{"patient_id":1}'))).toBe('Signed session #5');
    expect(auditSentence(row('amend', 'session', 5, '{"amendment_id":3,"field":"lot_number","patient_id":1}'))).toBe('Amended session #5: lot number; amendment #3');
  });

  it('keeps fields it does not know instead of hiding them', () => {
    expect(auditSentence(row('sign', 'session', 5, '{"patient_id":1,"override_reason":"checked by phone"}')))
      .toBe('Signed session #5; override reason: checked by phone');
    expect(auditSentence(row('create', 'widget', 2, '{"colour":"red"}'))).toBe('Created widget #2: colour: red');
  });

  it('covers the record, the accounts and the log itself', () => {
    expect(auditSentence(row('create', 'intake', 9, '{"patient_id":1,"version":2}'))).toBe('Saved intake version 2');
    expect(auditSentence(row('update', 'patient', 1, '{"fields":["name","birth_date"]}'))).toBe('Changed the patient’s name and birth date');
    expect(auditSentence(row('delete', 'patient', 1, '{"reason":"duplicate"}'))).toBe('Deleted the patient record; reason: duplicate');
    expect(auditSentence(row('update', 'user', 3, '{"password":"changed","role":"admin"}'))).toBe('Changed user #3: password changed, role → admin');
    expect(auditSentence(row('login', 'user', 2, 'from 127.0.0.1'))).toBe('Logged in from 127.0.0.1');
    expect(auditSentence(row('login_failed', 'user', 2, 'from 127.0.0.1'))).toBe('Wrong password (from 127.0.0.1)');
    expect(auditSentence(row('read', 'audit', 0, 'GET /api/audit user= entity=session patient=0 kind= order=desc'))).toBe('Read the audit log (entity=session patient=0 order=desc)');
  });
});
