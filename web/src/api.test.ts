import { describe, expect, it, vi } from 'vitest';
import {
  ApiClient, ApiError, errorFieldKey, groupVocabulary, passwordChangeProblems, passwordSetProblems, query, readCookie, staffDirectory, staffName,
} from './api';

type Call = { url: string; init: RequestInit };

function fakeFetch(responses: Array<{ status: number; body?: unknown }>) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const r = responses.shift() ?? { status: 200, body: {} };
    const text = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    return new Response(r.status === 204 ? null : text, { status: r.status, headers: { 'Content-Type': 'application/json' } });
  });
  return { fn: fn as unknown as typeof fetch, calls };
}

const header = (c: Call, name: string) => (c.init.headers as Record<string, string>)[name];

describe('readCookie', () => {
  it('finds a cookie among others and decodes it', () => {
    expect(readCookie('a=1; dermaplan_csrf=ab%2Bc; b=2', 'dermaplan_csrf')).toBe('ab+c');
    expect(readCookie('dermaplan_csrf_x=1', 'dermaplan_csrf')).toBeNull();
    expect(readCookie('', 'x')).toBeNull();
  });
});

describe('query', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(query({ q: 'Ann Ö', limit: 50, offset: undefined, user: '' })).toBe('?q=Ann%20%C3%96&limit=50');
    expect(query({})).toBe('');
  });
});

describe('groupVocabulary', () => {
  it('splits the flat list by kind', () => {
    const v = groupVocabulary([
      { kind: 'condition', code: 'hiv', name: 'HIV' },
      { kind: 'medication', code: 'isotretinoin', name: 'Isotretinoin' },
      { kind: 'allergy', code: 'nickel', name: 'Nickel' },
      { kind: 'procedure', code: 'chemical-peel', name: 'Peel' },
    ]);
    expect(v.conditions.map((e) => e.code)).toEqual(['hiv']);
    expect(v.medications.map((e) => e.code)).toEqual(['isotretinoin']);
    expect(v.procedures.map((e) => e.code)).toEqual(['chemical-peel']);
    expect(v.allergies.map((e) => e.code)).toEqual(['nickel']);
  });
});

describe('ApiClient', () => {
  it('keeps the CSRF token from the login and sends it on state-changing requests only', async () => {
    const { fn, calls } = fakeFetch([
      { status: 200, body: { user: { id: 1, username: 'a', display_name: 'A', role: 'admin' }, csrf_token: 'tok123' } },
      { status: 200, body: { patients: [], total: 0, limit: 50, offset: 0, next: null, demo_patients: 0 } },
      { status: 200, body: { patients: [], total: 0, limit: 50, offset: 0, next: null, demo_patients: 0 } },
      { status: 201, body: { id: 7, name: 'X' } },
      { status: 200, body: { id: 3 } },
      { status: 204 },
    ]);
    const api = new ApiClient({ fetch: fn, cookies: () => '' });
    const user = await api.login('a', 'pw');
    expect(user.username).toBe('a');
    expect(header(calls[0], 'X-CSRF-Token')).toBeUndefined();
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ username: 'a', password: 'pw' });
    await api.patients('an');
    expect(calls[1].url).toBe('/api/patients?q=an&limit=50');
    expect(header(calls[1], 'X-CSRF-Token')).toBeUndefined();
    await api.patients('an', 50, 'MTI6YW5uYQ');  // the next page: the cursor, never an offset
    expect(calls[2].url).toBe('/api/patients?q=an&limit=50&after=MTI6YW5uYQ');
    await api.createPatient({ name: 'X' });
    expect(calls[3].init.method).toBe('POST');
    expect(header(calls[3], 'X-CSRF-Token')).toBe('tok123');
    await api.updateSession(3, { row_version: 1, lot_number: 'L1' });
    expect(calls[4].init.method).toBe('PUT');
    expect(header(calls[4], 'X-CSRF-Token')).toBe('tok123');
    await expect(api.logout()).resolves.toBeUndefined();
    expect(header(calls[5], 'X-CSRF-Token')).toBe('tok123');
  });

  it('falls back to the dermaplan_csrf cookie after a reload', async () => {
    const { fn, calls } = fakeFetch([{ status: 201, body: {} }]);
    const api = new ApiClient({ fetch: fn, cookies: () => 'other=1; dermaplan_csrf=fromcookie' });
    await api.backup();
    expect(header(calls[0], 'X-CSRF-Token')).toBe('fromcookie');
  });

  it('turns the server error body into an ApiError with code, message and field', async () => {
    const { fn } = fakeFetch([{ status: 400, body: { error: { code: 'bad_request', message: "'2026-13-01' is not a real date", field: '/intake/medications/0/last_dose' } } }]);
    const api = new ApiClient({ fetch: fn });
    const err = await api.screen({ intake: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('bad_request');
    expect(err.message).toContain('not a real date');
    expect(err.field).toBe('/intake/medications/0/last_dose');
  });

  it('reports a signed session as code "signed"', async () => {
    const { fn } = fakeFetch([{ status: 409, body: { error: { code: 'signed', message: 'the session is signed; add an amendment' } } }]);
    const err = await new ApiClient({ fetch: fn }).updateSession(1, { row_version: 2, notes: 'x' }).catch((e) => e);
    expect(err.code).toBe('signed');
    expect(err.status).toBe(409);
  });

  it('calls onUnauthorized on 401, but not for a failed login', async () => {
    const onUnauthorized = vi.fn();
    const { fn } = fakeFetch([
      { status: 401, body: { error: { code: 'unauthorized', message: 'wrong username or password' } } },
      { status: 401, body: { error: { code: 'unauthorized', message: 'log in first' } } },
    ]);
    const api = new ApiClient({ fetch: fn, onUnauthorized });
    await expect(api.login('a', 'b')).rejects.toThrow('wrong username or password');
    expect(onUnauthorized).not.toHaveBeenCalled();
    await expect(api.me()).rejects.toThrow('log in first');
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('gives a readable error when the server is unreachable or sends no JSON error', async () => {
    const down = (async () => { throw new TypeError('Failed to fetch'); }) as unknown as typeof fetch;
    const err = await new ApiClient({ fetch: down }).health().catch((e) => e);
    expect(err.code).toBe('network');
    const { fn } = fakeFetch([{ status: 502, body: '<html>bad gateway</html>' }]);
    const err2 = await new ApiClient({ fetch: fn }).health().catch((e) => e);
    expect(err2.status).toBe(502);
    expect(err2.message).toContain('HTTP 502');
  });

  it('unwraps kb show matches', async () => {
    const { fn, calls } = fakeFetch([{ status: 200, body: { id: 'vancouver', matches: [{ kind: 'scale', id: 'vancouver', min: 0, max: 13 }] } }]);
    const found = await new ApiClient({ fetch: fn }).kbShow('vancouver');
    expect(calls[0].url).toBe('/api/kb/show/vancouver');
    expect(found[0]).toMatchObject({ kind: 'scale', max: 13 });
  });
});

describe('staff names', () => {
  const staff = staffDirectory([
    { id: 1, display_name: 'Administrator', role: 'admin', disabled: false },
    { id: 2, display_name: 'Dr. Mina Lee', role: 'practitioner', disabled: false },
    { id: 4, display_name: 'Former Nurse', role: 'assistant', disabled: true },
    { id: 5, display_name: '  ', role: 'assistant', disabled: false },
  ]);

  it('maps an id to the display name, disabled accounts included', () => {
    expect(staffName(staff, 2)).toBe('Dr. Mina Lee');
    expect(staffName(staff, 1)).toBe('Administrator');
    expect(staffName(staff, 4)).toBe('Former Nurse');
  });

  it('falls back to "user #id" for an id not in the list, or without a name', () => {
    expect(staffName(staff, 3)).toBe('user #3');
    expect(staffName(staff, 5)).toBe('user #5');
    expect(staffName(null, 2)).toBe('user #2');
    expect(staffName(new Map(), 7)).toBe('user #7');
  });

  it('says "unknown" when there is no id', () => {
    expect(staffName(staff, 0)).toBe('unknown');
    expect(staffName(staff, undefined)).toBe('unknown');
  });
});

describe('passwordChangeProblems', () => {
  it('accepts a new password of at least 10 characters, repeated, that differs', () => {
    expect(passwordChangeProblems('old-password', 'a-new-password', 'a-new-password')).toEqual([]);
    expect(passwordChangeProblems('old', '0123456789', '0123456789')).toEqual([]);
  });

  it('names the field at fault, with the server’s keys', () => {
    expect(passwordChangeProblems('old-password', 'short', 'short')).toEqual([
      { field: 'new_password', message: 'The new password needs at least 10 characters.' }]);
    expect(passwordChangeProblems('old-password', 'a-new-password', 'a-new-passw0rd').map((p) => p.field)).toEqual(['repeat_password']);
    expect(passwordChangeProblems('', 'a-new-password', 'a-new-password').map((p) => p.field)).toEqual(['current_password']);
    expect(passwordChangeProblems('same-password', 'same-password', 'same-password').map((p) => p.field)).toEqual(['new_password']);
    expect(passwordChangeProblems('', '', 'x').map((p) => p.field)).toEqual(['current_password', 'new_password', 'repeat_password']);
  });

  it('counts characters, not UTF-16 units', () => {
    // nine emoji are 18 UTF-16 units but 9 characters
    const nine = '😀'.repeat(9);
    expect(passwordChangeProblems('old-password', nine, nine).map((p) => p.field)).toEqual(['new_password']);
    expect(passwordChangeProblems('old-password', nine + 'x', nine + 'x')).toEqual([]);
  });
});

describe('passwordSetProblems (an admin sets another user’s password)', () => {
  it('accepts 10 characters or more, typed the same twice; no current password is asked', () => {
    expect(passwordSetProblems('0123456789', '0123456789')).toEqual([]);
    expect(passwordSetProblems('😀'.repeat(10), '😀'.repeat(10))).toEqual([]);
  });

  it('names the form’s fields, the new password under the server’s key', () => {
    expect(passwordSetProblems('short', 'short')).toEqual([
      { field: 'password', message: 'The new password needs at least 10 characters.' }]);
    expect(passwordSetProblems('😀'.repeat(9), '😀'.repeat(9)).map((p) => p.field)).toEqual(['password']);
    expect(passwordSetProblems('a-new-password', 'a-new-passw0rd')).toEqual([
      { field: 'repeat_password', message: 'The two new passwords differ.' }]);
    expect(passwordSetProblems('', 'x').map((p) => p.field)).toEqual(['password', 'repeat_password']);
    // the server names `/password`: its error lands at the same field
    expect(errorFieldKey('/password')).toBe('password');
  });
});

describe('errorFieldKey', () => {
  it('turns the server’s JSON pointer into the form key', () => {
    expect(errorFieldKey('/current_password')).toBe('current_password');
    expect(errorFieldKey('/new_password')).toBe('new_password');
    expect(errorFieldKey(undefined)).toBeNull();
  });
});

describe('ApiClient staff and own password', () => {
  const login = { status: 200, body: { user: { id: 3, username: 'sam', display_name: 'Sam', role: 'assistant' }, csrf_token: 'old-token' } };

  it('reads GET /api/staff without a CSRF header and unwraps the list', async () => {
    const { fn, calls } = fakeFetch([{ status: 200, body: { staff: [{ id: 2, display_name: 'Dr. Mina Lee', role: 'practitioner', disabled: false }] } }]);
    const staff = await new ApiClient({ fetch: fn, cookies: () => 'dermaplan_csrf=c' }).staff();
    expect(calls[0].url).toBe('/api/staff');
    expect(calls[0].init.method).toBe('GET');
    expect(header(calls[0], 'X-CSRF-Token')).toBeUndefined();
    expect(staff).toEqual([{ id: 2, display_name: 'Dr. Mina Lee', role: 'practitioner', disabled: false }]);
    expect(staffName(staffDirectory(staff), 2)).toBe('Dr. Mina Lee');
  });

  it('treats a staff answer without a list as empty', async () => {
    const { fn } = fakeFetch([{ status: 200, body: {} }]);
    expect(await new ApiClient({ fetch: fn }).staff()).toEqual([]);
  });

  it('changes the password with the CSRF token, then uses the new token from the answer', async () => {
    const { fn, calls } = fakeFetch([
      login,
      { status: 200, body: { user: { id: 3, username: 'sam', display_name: 'Sam', role: 'assistant', row_version: 2 }, csrf_token: 'new-token' } },
      { status: 201, body: { id: 9, name: 'X' } },
    ]);
    // No cookie in this double (as where cookies are not readable): the token from the body is used.
    let cookie = '';
    const api = new ApiClient({ fetch: fn, cookies: () => cookie });
    await api.login('sam', 'pw');
    cookie = 'dermaplan_csrf=old-token';
    const user = await api.changePassword('current-pw', 'a-new-long-password');
    cookie = '';
    expect(calls[1].url).toBe('/api/me/password');
    expect(calls[1].init.method).toBe('POST');
    expect(header(calls[1], 'X-CSRF-Token')).toBe('old-token');
    expect(header(calls[1], 'Content-Type')).toBe('application/json');
    expect(JSON.parse(String(calls[1].init.body))).toEqual({ current_password: 'current-pw', new_password: 'a-new-long-password' });
    expect(user).toMatchObject({ id: 3, username: 'sam', row_version: 2 });
    expect(api.csrfToken()).toBe('new-token');
    await api.createPatient({ name: 'X' });
    expect(header(calls[2], 'X-CSRF-Token')).toBe('new-token');
  });

  it('follows the cookie when another tab signs in again (its remembered token is stale)', async () => {
    let cookie = 'dermaplan_csrf=tab-one-token';
    const { fn, calls } = fakeFetch([{ status: 200, body: { user: { id: 1 }, csrf_token: 'tab-one-token' } }, { status: 201, body: {} }]);
    const api = new ApiClient({ fetch: fn, cookies: () => cookie });
    await api.login('sam', 'pw');
    cookie = 'dermaplan_csrf=tab-two-token';  // the browser's cookie after a login in another tab
    await api.backup();
    expect(header(calls[1], 'X-CSRF-Token')).toBe('tab-two-token');
  });

  it('falls back to the (new) cookie when the answer carries no token', async () => {
    let cookie = 'dermaplan_csrf=old-token';
    const { fn } = fakeFetch([login, { status: 200, body: { user: { id: 3, username: 'sam', display_name: 'Sam', role: 'assistant' } } }]);
    const api = new ApiClient({ fetch: fn, cookies: () => cookie });
    await api.login('sam', 'pw');
    await api.changePassword('current-pw', 'a-new-long-password');
    cookie = 'dermaplan_csrf=cookie-token';
    expect(api.csrfToken()).toBe('cookie-token');
  });

  it('reports a wrong current password at /current_password and keeps the old token', async () => {
    const onUnauthorized = vi.fn();
    const { fn, calls } = fakeFetch([
      login,
      { status: 403, body: { error: { code: 'wrong_password', field: '/current_password', message: 'the current password is not right' } } },
      { status: 400, body: { error: { code: 'bad_request', field: '/new_password', message: 'the new password is the current one' } } },
      { status: 429, body: { error: { code: 'rate_limited', message: 'too many failed attempts; wait a few minutes and try again' } } },
    ]);
    const api = new ApiClient({ fetch: fn, cookies: () => '', onUnauthorized });
    await api.login('sam', 'pw');
    const wrong = await api.changePassword('guess', 'a-new-long-password').catch((e) => e);
    expect(wrong).toBeInstanceOf(ApiError);
    expect(wrong.status).toBe(403);
    expect(wrong.code).toBe('wrong_password');
    expect(errorFieldKey(wrong.field)).toBe('current_password');
    expect(api.csrfToken()).toBe('old-token');
    const same = await api.changePassword('pw', 'pw').catch((e) => e);
    expect(same.status).toBe(400);
    expect(errorFieldKey(same.field)).toBe('new_password');
    const limited = await api.changePassword('guess', 'a-new-long-password').catch((e) => e);
    expect(limited.code).toBe('rate_limited');
    expect(limited.field).toBeUndefined();
    expect(header(calls[3], 'X-CSRF-Token')).toBe('old-token');
    expect(onUnauthorized).not.toHaveBeenCalled();
  });
});
