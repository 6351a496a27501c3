// The one way the interface talks to `dermaplan serve` (docs/api.md, version 1).
//
// Every state-changing request (POST, PUT, PATCH, DELETE) except login carries the header
// X-CSRF-Token: the token from the login response, or after a page reload the readable cookie
// `dermaplan_csrf`. Errors come back as ApiError with the server's code, message and the JSON
// path of the field at fault, so forms can show the message next to that field.

import type {
  Agenda, AuditEntry, Consent, ConsentText, Gate, Device, Indication, Patient, PatientPage, PatientRecord, Plan,
  Region, Scale, Screening, SimulationResult, StaffMember, TreatmentSession, User, Vocabulary,
  VocabularyEntry, Amendment, AdverseEvent, Outcome, Photo,
} from './types';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** JSON path of the field at fault ("/intake/medications/0/last_dose"), when one is. */
  readonly field?: string;
  /** The error's other members (the treatment gate's `unmet` and `cautions`). */
  readonly details: Record<string, unknown>;
  /**
   * Where the failure came from: `server`, the server's own JSON error (it refused, and said
   * why); `network`, no answer at all (the network dropped, the server is stopped); `unexplained`,
   * an error status without the server's JSON error (a proxy's page, a server restarting);
   * `unreadable`, a success status whose body is not JSON (the request may have been carried out).
   */
  readonly kind: 'server' | 'network' | 'unexplained' | 'unreadable';

  constructor(status: number, code: string, message: string, field?: string, details: Record<string, unknown> = {},
    kind: ApiError['kind'] = 'server') {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.details = details;
    this.kind = kind;
  }
}

export interface ApiClientOptions {
  /** Prefix for every path; '' for the same origin. */
  base?: string;
  fetch?: typeof fetch;
  /** Reads document.cookie (or a test double). */
  cookies?: () => string;
  /** Called on 401 for anything but the login itself (the session expired). */
  onUnauthorized?: () => void;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The value of one cookie in a `document.cookie` string, or null. */
export function readCookie(cookies: string, name: string): string | null {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return null;
}

/** Builds "?a=1&b=x" from the defined, non-empty values; "" when there are none. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Splits GET /api/kb/vocabulary's flat list into the four intake lists. */
export function groupVocabulary(entries: VocabularyEntry[]): Vocabulary {
  const out: Vocabulary = { conditions: [], medications: [], procedures: [], allergies: [] };
  const lists = { condition: out.conditions, medication: out.medications, procedure: out.procedures, allergy: out.allergies };
  for (const e of entries) if (e.kind && lists[e.kind]) lists[e.kind].push(e);
  return out;
}

/** GET /api/staff's list as a lookup by user id. */
export function staffDirectory(staff: readonly StaffMember[]): Map<number, StaffMember> {
  return new Map(staff.map((m) => [m.id, m]));
}

/**
 * The name to show for a user id (signed by, practitioner, assessor, author): the display name
 * from the staff list, "user #id" for an id the list does not hold (or a member without a
 * name), "unknown" for no id (0 or absent).
 */
export function staffName(staff: ReadonlyMap<number, StaffMember> | null | undefined, id: number | null | undefined): string {
  if (!id) return 'unknown';
  const name = staff?.get(id)?.display_name?.trim();
  return name || `user #${id}`;
}

/** Password rules the server enforces (it stays the authority): at least 10 characters. */
export const MIN_PASSWORD_CHARS = 10;

export type PasswordField = 'current_password' | 'new_password' | 'repeat_password';

/**
 * The form's own checks before POST /api/me/password: each problem with the field it belongs
 * to (the same keys as the server's `field`, without the slash). Empty when the form may be sent.
 */
export function passwordChangeProblems(current: string, next: string, repeat: string): { field: PasswordField; message: string }[] {
  const out: { field: PasswordField; message: string }[] = [];
  if (current === '') out.push({ field: 'current_password', message: 'Enter your current password.' });
  if ([...next].length < MIN_PASSWORD_CHARS) out.push({ field: 'new_password', message: `The new password needs at least ${MIN_PASSWORD_CHARS} characters.` });
  else if (current !== '' && next === current) out.push({ field: 'new_password', message: 'The new password must differ from the current one.' });
  if (repeat !== next) out.push({ field: 'repeat_password', message: 'The two new passwords differ.' });
  return out;
}

/**
 * The checks of an admin's "Set password" form before PATCH /api/users/{id} (its `password`;
 * no current password: the admin sets another user's). The same rules and words as the own
 * password form's: at least MIN_PASSWORD_CHARS characters, typed the same twice. Field keys are
 * the form's: `password` (the server's `/password`) and `repeat_password`.
 */
export function passwordSetProblems(next: string, repeat: string): { field: 'password' | 'repeat_password'; message: string }[] {
  const out: { field: 'password' | 'repeat_password'; message: string }[] = [];
  if ([...next].length < MIN_PASSWORD_CHARS) out.push({ field: 'password', message: `The new password needs at least ${MIN_PASSWORD_CHARS} characters.` });
  if (repeat !== next) out.push({ field: 'repeat_password', message: 'The two new passwords differ.' });
  return out;
}

/** A server error's JSON pointer ("/current_password") as a form key ("current_password"), or null. */
export function errorFieldKey(field: string | undefined): string | null {
  return field ? field.replace(/^\//, '') : null;
}

export interface AuditFilters {
  order?: 'asc' | 'desc';
  after?: number;
  before?: number;
  limit?: number;
  user?: string;
  entity?: string;
  patient?: number;
  kind?: 'read' | 'write';
}
export interface AuditPage {
  entries: AuditEntry[];
  /** Names of the patients the entries concern, by id. */
  patients?: Record<string, string>;
  next_after?: number;
  next_before?: number;
}

export type PhotoUse = 'record_only' | 'teaching' | 'marketing';
export interface ConsentRequest {
  indication?: string;
  consented_by: string;
  consented_at: string;
  text_version?: string;
  /** The id of every item and every risk of the form, each acknowledged on screen. */
  acknowledged: string[];
  photo_use: PhotoUse;
  signature: { content_type: 'image/svg+xml' | 'image/png'; data_base64: string };
}

export interface IntakeRequest { intake: unknown; date?: string; areas?: string[] }
export interface PlanRequest { intake: unknown; indication: string; areas: string[]; start?: string; device?: string; date?: string }
export interface SessionFields {
  plan_id?: number;
  date?: string;
  device?: string;
  needle_lengths?: { region: string; needle_length_mm: number }[];
  lot_number?: string;
  passes?: number;
  directions?: string;
  anaesthetic?: string;
  anaesthetic_minutes?: number;
  end_point?: string;
  products_applied?: string;
  notes?: string;
  status?: 'planned' | 'performed';
  /** With the step through the treatment gate (marking performed). */
  acknowledged_cautions?: string[];
  override_reason?: string;
}

/** What the practitioner confirms at a step through the treatment gate. */
export interface GateConfirmation { acknowledged_cautions?: string[]; override_reason?: string }

/** The confirmation without empty members (an empty reason is no override). */
export function withoutEmpty(c: GateConfirmation): GateConfirmation {
  const out: GateConfirmation = {};
  if (c.acknowledged_cautions?.length) out.acknowledged_cautions = c.acknowledged_cautions;
  if (c.override_reason?.trim()) out.override_reason = c.override_reason.trim();
  return out;
}
export interface SimulateRequest {
  device: string;
  needle_length_mm?: number;
  region: string;
  passes?: number;
  directions?: string[];
  pressure?: 'light' | 'medium' | 'firm';
  seed?: number;
  patch_mm?: number;
}

export class ApiClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  private readonly cookies: () => string;
  private readonly onUnauthorized?: () => void;
  private csrf: string | null = null;

  constructor(options: ApiClientOptions = {}) {
    this.base = options.base ?? '';
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.cookies = options.cookies ?? (() => (typeof document === 'undefined' ? '' : document.cookie));
    this.onUnauthorized = options.onUnauthorized;
  }

  /** The CSRF token sent with state-changing requests: the readable `dermaplan_csrf` cookie when
   *  there is one (it belongs to the browser's current session, which a login or password change
   *  in another tab replaces), else the token this client received. */
  csrfToken(): string | null {
    return readCookie(this.cookies(), 'dermaplan_csrf') ?? this.csrf;
  }

  /** Sends one request; resolves with the parsed JSON body (undefined for 204). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (STATE_CHANGING.has(method) && path !== '/api/login') {
      const token = this.csrfToken();
      if (token) headers['X-CSRF-Token'] = token;
    }
    let response: Response;
    try {
      response = await this.fetchFn(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch (e) {
      throw new ApiError(0, 'network', `The server could not be reached (${(e as Error).message}).`, undefined, {}, 'network');
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (response.ok) throw new ApiError(response.status, 'bad_response', 'The server sent a reply that is not JSON.', undefined, {}, 'unreadable');
      }
    }
    if (!response.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; field?: string } & Record<string, unknown> } | undefined)?.error;
      if (response.status === 401 && path !== '/api/login') this.onUnauthorized?.();
      const { code, message, field, ...details } = err ?? {};
      throw new ApiError(response.status, code ?? 'http_' + response.status,
        message ?? `${method} ${path} failed with HTTP ${response.status}`, field, details, err ? 'server' : 'unexplained');
    }
    return parsed as T;
  }

  // --- accounts
  async login(username: string, password: string): Promise<User> {
    const r = await this.request<{ user: User; csrf_token: string }>('POST', '/api/login', { username, password });
    this.csrf = r.csrf_token;
    return r.user;
  }
  async logout(): Promise<void> {
    try {
      await this.request<void>('POST', '/api/logout');
    } finally {
      this.csrf = null;
    }
  }
  me(): Promise<{ user: User }> { return this.request('GET', '/api/me'); }
  /**
   * POST /api/me/password. The server ends every session of the user, this one included, and
   * answers with a new session: the browser stores its cookies, and the client keeps the new CSRF
   * token from the body for the requests that follow.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<User> {
    const r = await this.request<{ user: User; csrf_token?: string }>('POST', '/api/me/password',
      { current_password: currentPassword, new_password: newPassword });
    this.csrf = r.csrf_token ?? null;
    return r.user;
  }
  /** GET /api/staff: id, display name, role and state of every account (any role may read it). */
  async staff(): Promise<StaffMember[]> {
    const r = await this.request<{ staff?: StaffMember[] }>('GET', '/api/staff');
    return r.staff ?? [];
  }
  health(): Promise<{ status: string; api: number; version: string; knowledge_version: string; backend: string }> {
    return this.request('GET', '/api/health');
  }

  // --- knowledge base
  regions(): Promise<Region[]> { return this.request('GET', '/api/kb/regions'); }
  indications(): Promise<Indication[]> { return this.request('GET', '/api/kb/indications'); }
  devices(): Promise<Device[]> { return this.request('GET', '/api/kb/devices'); }
  scales(): Promise<Scale[]> { return this.request('GET', '/api/kb/scales'); }
  async vocabulary(): Promise<Vocabulary> {
    return groupVocabulary(await this.request<VocabularyEntry[]>('GET', '/api/kb/vocabulary'));
  }
  /** GET /api/kb/show/{id}: every item with that id (usually one), each with its `kind`. */
  async kbShow<T = Record<string, unknown>>(id: string): Promise<(T & { kind: string })[]> {
    const r = await this.request<{ id: string; matches: (T & { kind: string })[] }>('GET', `/api/kb/show/${encodeURIComponent(id)}`);
    return r.matches ?? [];
  }
  consentText(indication?: string): Promise<ConsentText> {
    return this.request('GET', '/api/consent-text' + query({ indication }));
  }

  // --- engines
  screen(body: IntakeRequest): Promise<Screening> { return this.request('POST', '/api/screen', body); }
  plan(body: PlanRequest): Promise<Plan> { return this.request('POST', '/api/plan', body); }
  simulate(body: SimulateRequest): Promise<SimulationResult> { return this.request('POST', '/api/simulate', body); }

  // --- patients
  /** A page of the patient list: the first, or the one after `after` (the previous page's `next`, same `q`). */
  patients(q = '', limit = 50, after: string | null = null): Promise<PatientPage> {
    return this.request('GET', '/api/patients' + query({ q, limit, after }));
  }
  createPatient(p: { name: string; birth_date?: string; sex?: string; notes?: string }): Promise<Patient> {
    return this.request('POST', '/api/patients', p);
  }
  patient(id: number): Promise<PatientRecord> { return this.request('GET', `/api/patients/${id}`); }
  updatePatient(id: number, fields: Partial<Patient> & { row_version: number }): Promise<Patient> {
    return this.request('PATCH', `/api/patients/${id}`, fields);
  }
  addIntake(id: number, body: IntakeRequest): Promise<{ id: number; version: number; screening: Screening }> {
    return this.request('POST', `/api/patients/${id}/intakes`, body);
  }
  addConsent(id: number, body: ConsentRequest): Promise<Consent> {
    return this.request('POST', `/api/patients/${id}/consents`, body);
  }
  addPlan(id: number, body: Omit<PlanRequest, 'intake'>): Promise<{ id: number; plan: Plan }> {
    return this.request('POST', `/api/patients/${id}/plans`, body);
  }
  createSession(patientId: number, fields: SessionFields): Promise<TreatmentSession> {
    return this.request('POST', `/api/patients/${patientId}/sessions`, fields);
  }
  session(id: number): Promise<TreatmentSession> { return this.request('GET', `/api/sessions/${id}`); }
  updateSession(id: number, fields: SessionFields & { row_version: number }): Promise<TreatmentSession> {
    return this.request('PUT', `/api/sessions/${id}`, fields);
  }
  /** Signs (through the treatment gate): cautions acknowledged, an override's written reason. */
  signSession(id: number, row_version: number, confirm: GateConfirmation = {}): Promise<TreatmentSession> {
    return this.request('POST', `/api/sessions/${id}/sign`, { row_version, ...withoutEmpty(confirm) });
  }
  /** What the treatment gate says about the session as stored, with the sign dialog's recap. */
  sessionGate(id: number): Promise<Gate> { return this.request('GET', `/api/sessions/${id}/gate`); }
  /** `old_value`: the value in force as read (409 conflict at /old_value when another amendment came first). */
  amendSession(id: number, body: { field: string; new_value: unknown; old_value: unknown; reason: string }): Promise<Amendment> {
    return this.request('POST', `/api/sessions/${id}/amendments`, body);
  }
  addAdverseEvent(id: number, body: { session_id?: number; type: string; severity: string; onset: string; resolved?: string; notes?: string }): Promise<AdverseEvent> {
    return this.request('POST', `/api/patients/${id}/adverse-events`, body);
  }
  addOutcome(id: number, body: { scale: string; score: number; date: string; region?: string; notes?: string }): Promise<Outcome> {
    return this.request('POST', `/api/patients/${id}/outcomes`, body);
  }
  addPhoto(id: number, body: { region: string; view: string; tag: string; taken_on: string; image_base64: string; session_id?: number }): Promise<Photo> {
    return this.request('POST', `/api/patients/${id}/photos`, body);
  }
  /** Today's sessions and who is due for a session or an assessment in the next `days` (server default 7). */
  agenda(date?: string, days?: number): Promise<Agenda> { return this.request('GET', '/api/agenda' + query({ date, days })); }
  lot(lot: string): Promise<{ sessions: TreatmentSession[]; patients: Patient[] }> {
    return this.request('GET', `/api/lots/${encodeURIComponent(lot)}`);
  }

  // --- administration
  users(): Promise<{ users: User[] }> { return this.request('GET', '/api/users'); }
  createUser(body: { username: string; display_name?: string; role: string; password: string }): Promise<User> {
    return this.request('POST', '/api/users', body);
  }
  updateUser(id: number, body: { row_version: number; display_name?: string; role?: string; disabled?: boolean; password?: string }): Promise<User> {
    return this.request('PATCH', `/api/users/${id}`, body);
  }
  audit(filters: AuditFilters): Promise<AuditPage> {
    return this.request('GET', '/api/audit' + query({ ...filters }));
  }
  backup(): Promise<{ path: string }> { return this.request('POST', '/api/backup'); }
}
