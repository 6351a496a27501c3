import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, groupVocabulary, query, readCookie } from './api';

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
      { status: 200, body: { patients: [], total: 0, limit: 50, offset: 0 } },
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
    expect(calls[1].url).toBe('/api/patients?q=an&limit=50&offset=0');
    expect(header(calls[1], 'X-CSRF-Token')).toBeUndefined();
    await api.createPatient({ name: 'X' });
    expect(calls[2].init.method).toBe('POST');
    expect(header(calls[2], 'X-CSRF-Token')).toBe('tok123');
    await api.updateSession(3, { row_version: 1, lot_number: 'L1' });
    expect(calls[3].init.method).toBe('PUT');
    expect(header(calls[3], 'X-CSRF-Token')).toBe('tok123');
    await expect(api.logout()).resolves.toBeUndefined();
    expect(header(calls[4], 'X-CSRF-Token')).toBe('tok123');
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
