// A development stand-in for `dermaplan serve` (docs/api.md), for working on the interface
// before or without the C++ server. NOT used by the end-to-end tests, which run the real server.
//
// Engines: if the dermaplan binary exists (DERMAPLAN_BIN, default ../build/src/cli/dermaplan),
// /api/screen, /api/plan, /api/simulate and /api/kb/* call it, so the answers are the real
// engines'; otherwise they return the fixtures in mock/fixtures/ (captured from the CLI).
// Records (patients, sessions, ...) live in memory. Accounts: admin/e2e-admin-password,
// practitioner/practitioner-pw-1, assistant/assistant-pw-1 (and the end-to-end tests' accounts).
//
// Usage: node mock/server.mjs [--port 8089] [--web dist]

import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const port = Number(arg('--port', '8089'));
const webDir = arg('--web', null);
const bin = process.env.DERMAPLAN_BIN ?? resolve(here, '../../build/src/cli/dermaplan');
const haveBin = existsSync(bin);
const fixture = (name) => JSON.parse(readFileSync(join(here, 'fixtures', name), 'utf8'));
const today = () => new Date().toISOString().slice(0, 10);
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

class HttpError extends Error {
  constructor(status, code, message, field) { super(message); this.status = status; this.code = code; this.field = field; }
}

function cli(argv, input) {
  try {
    return JSON.parse(execFileSync(bin, argv, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }));
  } catch (e) {
    const text = String(e.stderr || e.message).replace(/^dermaplan: (bad input: )?/, '').trim();
    const m = /^(\/[\w/.-]*): (.*)$/s.exec(text);
    throw new HttpError(400, 'bad_request', m ? m[2] : text, m ? '/intake' + m[1] : undefined);
  }
}

const engines = {
  screen(body) {
    if (!haveBin) return fixture('screen.json');
    const a = ['screen', '--intake', '-', '--format', 'json'];
    if (body.date) a.push('--date', body.date);
    for (const r of body.areas ?? []) a.push('--area', r);
    return cli(a, JSON.stringify(body.intake ?? {}));
  },
  plan(body) {
    if (!haveBin) return fixture('plan.json');
    const a = ['plan', '--intake', '-', '--format', 'json', '--indication', body.indication];
    if (body.date) a.push('--date', body.date);
    if (body.start) a.push('--start', body.start);
    if (body.device) a.push('--device', body.device);
    for (const r of body.areas ?? []) a.push('--area', r);
    return cli(a, JSON.stringify(body.intake ?? {}));
  },
  simulate(body) {
    if (!haveBin) return fixture('simulate.json');
    const a = ['simulate', '--format', 'json', '--device', body.device, '--region', body.region ?? 'cheek'];
    if (body.passes) a.push('--passes', String(body.passes));
    if (body.directions) a.push('--directions', body.directions.join(','));
    if (body.pressure) a.push('--pressure', body.pressure);
    if (body.needle_length_mm) a.push('--length', String(body.needle_length_mm));
    const r = cli(a);
    delete r.puncture_cells; delete r.channel_cells;
    return r;
  },
  kb(kind) { return haveBin ? cli(['kb', 'list', kind, '--format', 'json']) : fixture(`kb-${kind}.json`); },
  show(id) { return haveBin ? cli(['kb', 'show', id]) : { id, matches: [] }; },
};

// ---- in-memory records
const db = { users: [], tokens: new Map(), patients: [], intakes: [], plans: [], sessions: [], consents: [], amendments: [],
  adverse: [], outcomes: [], photos: [], audit: [], next: 1 };
const id = () => db.next++;
for (const [username, role, password] of [['admin', 'admin', 'e2e-admin-password'], ['practitioner', 'practitioner', 'practitioner-pw-1'], ['assistant', 'assistant', 'assistant-pw-1'],
  ['dr.lee', 'practitioner', 'e2e-practitioner-pw'], ['sam', 'assistant', 'e2e-assistant-pw']])
  db.users.push({ id: id(), username, display_name: username[0].toUpperCase() + username.slice(1), role, password, disabled: false, created_at: now(), row_version: 1 });

function audit(user, action, entity, record_id = 0, detail = '') {
  db.audit.push({ seq: db.audit.length + 1, at: now(), user_id: user?.id ?? 0, username: user?.username ?? '', action, entity, record_id, detail, hash: randomBytes(32).toString('hex') });
}
const publicUser = ({ password, ...u }) => u;
const can = {
  plans: (u) => u.role !== 'assistant', sign: (u) => u.role !== 'assistant', clinical: (u) => u.role !== 'assistant', admin: (u) => u.role === 'admin',
};
function need(ok) { if (!ok) throw new HttpError(403, 'forbidden', 'your role may not do this'); }
function patientOr404(pid) {
  const p = db.patients.find((x) => x.id === pid);
  if (!p) throw new HttpError(404, 'not_found', `no patient with id ${pid}`);
  return p;
}
function sessionOr404(sid) {
  const s = db.sessions.find((x) => x.id === sid);
  if (!s) throw new HttpError(404, 'not_found', `no session with id ${sid}`);
  return s;
}
const SESSION_FIELDS = ['plan_id', 'date', 'device', 'needle_lengths', 'lot_number', 'passes', 'directions', 'anaesthetic', 'anaesthetic_minutes', 'end_point', 'products_applied', 'notes', 'status'];
function applySession(s, body) {
  for (const k of Object.keys(body)) {
    if (k === 'row_version') continue;
    if (!SESSION_FIELDS.includes(k)) throw new HttpError(400, 'bad_request', `unknown field '${k}'`, '/' + k);
    s[k] = body[k];
  }
  if (!s.date) throw new HttpError(400, 'bad_request', "'date' is required", '/date');
  (s.needle_lengths ?? []).forEach((n, i) => {
    if (!(n.needle_length_mm > 0 && n.needle_length_mm <= 5)) throw new HttpError(400, 'bad_request', "'needle_length_mm' must be a number in (0, 5]", `/needle_lengths/${i}/needle_length_mm`);
  });
}

const routes = [];
const route = (method, pattern, handler, { auth = true } = {}) => {
  const re = new RegExp('^' + pattern.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)') + '$');
  routes.push({ method, re, handler, auth });
};

route('GET', '/api/health', () => ({ status: 'ok', api: 1, version: 'mock', knowledge_version: 'fixture', backend: 'memory' }), { auth: false });
route('POST', '/api/login', ({ body, res }) => {
  const u = db.users.find((x) => x.username === body.username && !x.disabled);
  if (!u || u.password !== body.password) { audit({ username: body.username }, 'login_failed', 'user'); throw new HttpError(401, 'unauthorized', 'wrong username or password'); }
  const token = randomBytes(16).toString('hex');
  const csrf = randomBytes(16).toString('hex');
  db.tokens.set(token, { user: u, csrf });
  audit(u, 'login', 'user', u.id);
  res.setHeader('Set-Cookie', [`dermaplan_session=${token}; Path=/; HttpOnly; SameSite=Strict`, `dermaplan_csrf=${csrf}; Path=/; SameSite=Strict`]);
  return { user: publicUser(u), csrf_token: csrf };
}, { auth: false });
route('POST', '/api/logout', ({ token, res }) => { db.tokens.delete(token); res.setHeader('Set-Cookie', ['dermaplan_session=; Path=/; Max-Age=0', 'dermaplan_csrf=; Path=/; Max-Age=0']); return null; });
route('GET', '/api/me', ({ user }) => ({ user: publicUser(user) }));
route('POST', '/api/me/password', ({ body, user, res }) => {
  if (typeof body.new_password !== 'string') throw new HttpError(400, 'bad_request', "'new_password' is required", '/new_password');
  if (body.current_password !== user.password) { audit(user, 'password_failed', 'user', user.id); throw new HttpError(403, 'wrong_password', 'the current password is not right', '/current_password'); }
  if ([...body.new_password].length < 10) throw new HttpError(400, 'bad_request', 'a password needs at least 10 characters', '/new_password');
  if (body.new_password === user.password) throw new HttpError(400, 'bad_request', 'the new password is the current one', '/new_password');
  user.password = body.new_password;
  user.row_version += 1;
  // Every session of the user ends, this one included; the answer carries a new one.
  for (const [t, sess] of db.tokens) if (sess.user === user) db.tokens.delete(t);
  const token = randomBytes(16).toString('hex');
  const csrf = randomBytes(16).toString('hex');
  db.tokens.set(token, { user, csrf });
  audit(user, 'update', 'user', user.id, 'own password');
  res.setHeader('Set-Cookie', [`dermaplan_session=${token}; Path=/; HttpOnly; SameSite=Strict`, `dermaplan_csrf=${csrf}; Path=/; SameSite=Strict`]);
  return { user: publicUser(user), csrf_token: csrf };
});
route('GET', '/api/staff', () => ({ staff: db.users.map(({ id: uid, display_name, role, disabled }) => ({ id: uid, display_name, role, disabled })) }));
route('GET', '/api/kb/show/{id}', ({ params }) => engines.show(params.id));
route('GET', '/api/kb/{kind}', ({ params }) => engines.kb(params.kind));
route('POST', '/api/screen', ({ body }) => engines.screen(body));
route('POST', '/api/plan', ({ body }) => engines.plan(body));
route('POST', '/api/simulate', ({ body }) => engines.simulate(body));
route('GET', '/api/consent-text', () => {
  const risks = engines.kb('risks');
  return { version: 'mock-1', text: 'I agree to microneedling ...', items: [], risks };
});
route('GET', '/api/patients', ({ url, user }) => {
  // As the server: 1-2 characters match the beginning of the name, more a substring; keyset pages.
  const q = (url.searchParams.get('q') ?? '').toLowerCase();
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const after = Number(url.searchParams.get('after') ?? 0);
  const name = (p) => p.name.toLowerCase();
  const list = db.patients.filter((p) => ([...q].length < 3 ? name(p).startsWith(q) : name(p).includes(q)))
    .sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : a.id - b.id));
  const page = list.slice(after, after + limit);
  audit(user, 'read', 'patient', 0, 'list');
  return { patients: page, total: list.length, total_is_lower_bound: false, limit, offset: 0,
    next: after + limit < list.length ? String(after + limit) : null, demo_patients: db.patients.filter((p) => p.demo).length };
});
route('POST', '/api/patients', ({ body, user }) => {
  if (!body.name) throw new HttpError(400, 'bad_request', "'name' is required", '/name');
  const p = { id: id(), name: body.name, birth_date: body.birth_date ?? '', sex: body.sex ?? '', notes: body.notes ?? '', created_at: now(), updated_at: now(), row_version: 1 };
  db.patients.push(p);
  audit(user, 'create', 'patient', p.id);
  return [201, p];
});
route('GET', '/api/patients/{id}', ({ params, user }) => {
  const p = patientOr404(+params.id);
  audit(user, 'read', 'patient', p.id);
  const mine = (list) => list.filter((x) => x.patient_id === p.id);
  return { ...p, intakes: mine(db.intakes).slice().reverse(), plans: mine(db.plans), sessions: mine(db.sessions), consents: mine(db.consents),
    adverse_events: mine(db.adverse), outcomes: mine(db.outcomes), photos: mine(db.photos) };
});
route('PATCH', '/api/patients/{id}', ({ params, body, user }) => {
  const p = patientOr404(+params.id);
  if (body.row_version !== p.row_version) throw new HttpError(409, 'conflict', 'the patient changed since you read it');
  Object.assign(p, body, { row_version: p.row_version + 1, updated_at: now() });
  audit(user, 'update', 'patient', p.id);
  return p;
});
route('POST', '/api/patients/{id}/intakes', ({ params, body, user }) => {
  const p = patientOr404(+params.id);
  const screening = engines.screen(body);
  const row = { id: id(), patient_id: p.id, version: db.intakes.filter((i) => i.patient_id === p.id).length + 1, intake: body.intake, screening,
    knowledge_version: screening.knowledge_version, policy: screening.policy, created_by: user.id, created_at: now() };
  db.intakes.push(row);
  audit(user, 'create', 'intake', row.id);
  return [201, { id: row.id, version: row.version, screening }];
});
route('POST', '/api/patients/{id}/consents', ({ params, body, user }) => {
  const p = patientOr404(+params.id);
  if (!body.consented_by) throw new HttpError(400, 'bad_request', "'consented_by' is required", '/consented_by');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(body.consented_at ?? '')) throw new HttpError(400, 'bad_request', "'consented_at' must be YYYY-MM-DDTHH:MM:SSZ", '/consented_at');
  const c = { id: id(), patient_id: p.id, text_version: 'mock-1', text: 'I agree ...', consented_by: body.consented_by, consented_at: body.consented_at, recorded_by: user.id, recorded_at: now() };
  db.consents.push(c);
  audit(user, 'create', 'consent', c.id);
  return [201, c];
});
route('POST', '/api/patients/{id}/plans', ({ params, body, user }) => {
  need(can.plans(user));
  const p = patientOr404(+params.id);
  const intake = db.intakes.filter((i) => i.patient_id === p.id).pop();
  if (!intake) throw new HttpError(400, 'bad_request', 'the patient has no intake yet', '/intake');
  const plan = engines.plan({ ...body, intake: intake.intake });
  const row = { id: id(), patient_id: p.id, indication: body.indication, plan, created_by: user.id, created_at: now() };
  db.plans.push(row);
  audit(user, 'create', 'course_plan', row.id);
  return [201, { id: row.id, plan }];
});
route('POST', '/api/patients/{id}/sessions', ({ params, body, user }) => {
  const p = patientOr404(+params.id);
  const s = { id: id(), patient_id: p.id, plan_id: 0, practitioner_id: 0, device: '', needle_lengths: [], lot_number: '', passes: 0, directions: '', anaesthetic: '',
    anaesthetic_minutes: 0, end_point: '', products_applied: '', notes: '', status: 'planned', created_at: now(), updated_at: now(), row_version: 1 };
  applySession(s, body);
  if (s.status === 'performed') s.practitioner_id = user.id; // the server's default: the caller
  db.sessions.push(s);
  audit(user, 'create', 'session', s.id);
  return [201, s];
});
route('GET', '/api/sessions/{id}', ({ params, user }) => {
  const s = sessionOr404(+params.id);
  audit(user, 'read', 'session', s.id);
  return { ...s, amendments: db.amendments.filter((a) => a.session_id === s.id) };
});
route('PUT', '/api/sessions/{id}', ({ params, body, user }) => {
  const s = sessionOr404(+params.id);
  if (s.status === 'signed') throw new HttpError(409, 'signed', 'the session is signed; add an amendment');
  if (body.row_version !== s.row_version) throw new HttpError(409, 'conflict', 'the session changed since you read it', '/row_version');
  applySession(s, body);
  s.row_version++; s.updated_at = now();
  audit(user, 'update', 'session', s.id);
  return s;
});
route('POST', '/api/sessions/{id}/sign', ({ params, body, user }) => {
  need(can.sign(user));
  const s = sessionOr404(+params.id);
  if (s.status === 'signed') throw new HttpError(409, 'signed', 'already signed');
  if (body.row_version !== s.row_version) throw new HttpError(409, 'conflict', 'the session changed since you read it', '/row_version');
  Object.assign(s, { status: 'signed', signed_by: user.id, signed_at: now(), row_version: s.row_version + 1 });
  audit(user, 'sign', 'session', s.id);
  return s;
});
route('POST', '/api/sessions/{id}/amendments', ({ params, body, user }) => {
  need(can.sign(user));
  const s = sessionOr404(+params.id);
  if (!body.reason) throw new HttpError(400, 'bad_request', "'reason' is required", '/reason');
  if (body.old_value === undefined) throw new HttpError(400, 'bad_request', "'old_value' is required", '/old_value');
  const field = body.field === 'date' ? 'session_date' : body.field === 'device' ? 'device_id' : body.field;
  const key = field === 'session_date' ? 'date' : field === 'device_id' ? 'device' : field;
  const last = db.amendments.filter((x) => x.session_id === s.id && x.field === field).at(-1);
  const inForce = last ? last.new_value : typeof s[key] === 'string' ? s[key] : JSON.stringify(s[key] ?? '');
  const read = typeof body.old_value === 'string' ? body.old_value : JSON.stringify(body.old_value);
  if (read !== inForce) throw new HttpError(409, 'conflict', `the ${field} in force is now "${inForce}"`, '/old_value');
  const a = { id: id(), session_id: s.id, author_id: user.id, amended_at: now(), field, old_value: inForce,
    new_value: typeof body.new_value === 'string' ? body.new_value : JSON.stringify(body.new_value), reason: body.reason };
  db.amendments.push(a);
  audit(user, 'amend', 'session', s.id);
  return [201, a];
});
route('POST', '/api/patients/{id}/adverse-events', ({ params, body, user }) => {
  need(can.clinical(user));
  const p = patientOr404(+params.id);
  if (!body.type) throw new HttpError(400, 'bad_request', "'type' is required", '/type');
  if (!body.onset) throw new HttpError(400, 'bad_request', "'onset' is required", '/onset');
  const e = { id: id(), patient_id: p.id, session_id: body.session_id ?? 0, type: body.type, severity: body.severity ?? 'mild', onset: body.onset,
    resolved: body.resolved ?? '', resolution: '', notes: body.notes ?? '', recorded_by: user.id, row_version: 1 };
  db.adverse.push(e);
  return [201, e];
});
route('POST', '/api/patients/{id}/outcomes', ({ params, body, user }) => {
  need(can.clinical(user));
  const p = patientOr404(+params.id);
  const o = { id: id(), patient_id: p.id, session_id: 0, scale: body.scale, score: body.score, region: body.region ?? '', date: body.date ?? today(), notes: body.notes ?? '', assessor_id: user.id };
  db.outcomes.push(o);
  return [201, o];
});
route('POST', '/api/patients/{id}/photos', ({ params, body }) => {
  const p = patientOr404(+params.id);
  const sha = randomBytes(32).toString('hex');
  const ph = { id: id(), patient_id: p.id, session_id: 0, sha256: sha, region: body.region, view: body.view, tag: body.tag, taken_on: body.taken_on, url: `/api/photos/${sha}`,
    bytes: Buffer.from(body.image_base64, 'base64') };
  db.photos.push(ph);
  const { bytes, ...rest } = ph;
  return [201, rest];
});
route('GET', '/api/photos/{sha}', ({ params, res }) => {
  const ph = db.photos.find((x) => x.sha256 === params.sha);
  if (!ph) throw new HttpError(404, 'not_found', 'no photo');
  res.writeHead(200, { 'Content-Type': ph.bytes[0] === 0x89 ? 'image/png' : 'image/jpeg' });
  res.end(ph.bytes);
  return undefined;
});
route('GET', '/api/agenda', ({ url, user }) => {
  const day = url.searchParams.get('date') ?? today();
  const until = new Date(Date.parse(day) + (+(url.searchParams.get('days') ?? 7)) * 86400000).toISOString().slice(0, 10);
  const who = (pid) => { const p = db.patients.find((x) => x.id === pid); return { id: p.id, name: p.name }; };
  const sessions_today = db.sessions.filter((s) => s.date === day).map((s) => ({ ...s, patient: who(s.patient_id) }));
  const due = db.sessions.filter((s) => s.status === 'planned' && s.date > day && s.date <= until).map((s) => ({ patient: who(s.patient_id), kind: 'session', date: s.date, session_id: s.id }));
  for (const pl of db.plans) if (pl.plan.assessment_date && pl.plan.assessment_date <= until) due.push({ patient: who(pl.patient_id), kind: 'assessment', date: pl.plan.assessment_date, plan_id: pl.id });
  audit(user, 'read', 'agenda');
  return { date: day, sessions_today, due: due.sort((a, b) => (a.date < b.date ? -1 : 1)) };
});
route('GET', '/api/users', ({ user }) => { need(can.admin(user)); return { users: db.users.map(publicUser) }; });
route('POST', '/api/users', ({ body, user }) => {
  need(can.admin(user));
  if (!body.password || body.password.length < 10) throw new HttpError(400, 'bad_request', 'a password needs at least 10 characters', '/password');
  const u = { id: id(), username: body.username, display_name: body.display_name || body.username, role: body.role, password: body.password, disabled: false, created_at: now(), row_version: 1 };
  db.users.push(u);
  audit(user, 'create', 'user', u.id);
  return [201, publicUser(u)];
});
route('PATCH', '/api/users/{id}', ({ params, body, user }) => {
  need(can.admin(user));
  const u = db.users.find((x) => x.id === +params.id);
  Object.assign(u, body, { row_version: u.row_version + 1 });
  return publicUser(u);
});
route('GET', '/api/audit', ({ url, user }) => {
  need(can.admin(user));
  const after = +(url.searchParams.get('after') ?? 0);
  const limit = +(url.searchParams.get('limit') ?? 100);
  const fu = url.searchParams.get('user'); const fe = url.searchParams.get('entity');
  const entries = db.audit.filter((e) => e.seq > after && (!fu || e.username === fu) && (!fe || e.entity === fe)).slice(0, limit);
  audit(user, 'read', 'audit');
  return { entries, next_after: entries.length ? entries[entries.length - 1].seq : after };
});
route('POST', '/api/backup', ({ user }) => { need(can.admin(user)); audit(user, 'backup', 'database'); return [201, { path: '/tmp/dermaplan-mock-backup.db' }]; });

function cookie(req, name) {
  for (const part of (req.headers.cookie ?? '').split(';')) { const [k, v] = part.trim().split('='); if (k === name) return v; }
  return null;
}
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const send = (status, value) => {
    if (value === undefined) return;
    if (value === null) { res.writeHead(204); res.end(); return; }
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  if (!url.pathname.startsWith('/api/')) {
    if (!webDir) { res.writeHead(404); res.end('mock: API only (run vite for the interface)'); return; }
    let file = join(webDir, url.pathname);
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(webDir, 'index.html');
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
    return;
  }
  try {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    let body = {};
    if (raw) { try { body = JSON.parse(raw); } catch { throw new HttpError(400, 'bad_request', 'the body is not JSON'); } }
    for (const r of routes) {
      const m = r.re.exec(url.pathname);
      if (!m || r.method !== req.method) continue;
      const token = cookie(req, 'dermaplan_session');
      const sess = token ? db.tokens.get(token) : null;
      if (r.auth && !sess) throw new HttpError(401, 'unauthorized', 'log in first');
      if (r.auth && req.method !== 'GET' && req.headers['x-csrf-token'] !== sess.csrf) throw new HttpError(403, 'forbidden', 'missing or wrong X-CSRF-Token');
      const out = await r.handler({ req, res, url, body, params: m.groups ?? {}, user: sess?.user, token });
      if (Array.isArray(out) && typeof out[0] === 'number') send(out[0], out[1]);
      else send(200, out);
      return;
    }
    throw new HttpError(404, 'not_found', `no route ${req.method} ${url.pathname}`);
  } catch (e) {
    const status = e.status ?? 500;
    send(status, { error: { code: e.code ?? 'internal', message: e.message, ...(e.field ? { field: e.field } : {}) } });
  }
});
server.listen(port, '127.0.0.1', () => console.log(`mock dermaplan API on http://127.0.0.1:${server.address().port} (engines: ${haveBin ? bin : 'fixtures'})`));
