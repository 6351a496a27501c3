// Names and one's own account, as a non-admin: the assistant sees who performed, signed and
// amended a session by name (GET /api/staff), not as "user #id"; then changes the password
// (POST /api/me/password): the form's own checks, a wrong current password shown at its field,
// a correct change that keeps this browser signed in while another session of the same user
// ends, and a login with the new password. Every step saves a screenshot.

import { ACCOUNTS, SEEDED_SIGNATURE, assert, finish, launchBrowser, login, newPage, runSteps, shot, startServer, utcDay } from './lib.mjs';

const FILE = 'account';
const NEW_PASSWORD = 'sam-new-password-2026';

/** Logs in through the API in a browser context (its cookies are the context's); returns { user, call }. */
async function apiSession(context, url, account) {
  const r = await context.request.post(`${url}api/login`, { data: { username: account.username, password: account.password } });
  assert(r.ok(), `API login of ${account.username}: HTTP ${r.status()}`);
  const { user, csrf_token: csrf } = await r.json();
  const call = async (method, path, data) => {
    const res = await context.request.fetch(`${url}${path}`, { method, data, headers: { 'X-CSRF-Token': csrf } });
    const text = await res.text();
    assert(res.ok(), `${method} ${path}: HTTP ${res.status()} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return { user, call };
}

const server = await startServer();
const browser = await launchBrowser();
let result = { passed: 0, failed: 1 };
const contexts = [];
try {
  const page = await newPage(browser);
  const url = server.url;
  let patientId = 0;
  let sessionId = 0;
  let otherSession = null;
  const passwordRequests = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/me/password')) passwordRequests.push(r.method()); });

  result = await runSteps(FILE, [
    ['the practitioner documents, signs and amends a session (through the API)', async () => {
      const ctx = await browser.newContext();
      contexts.push(ctx);
      const { user, call } = await apiSession(ctx, url, ACCOUNTS.practitioner);
      const patient = await call('POST', 'api/patients', { name: 'Nora Names', birth_date: '1984-06-09', sex: 'female' });
      patientId = patient.id;
      // What the treatment gate asks for: an eligible intake, a plan and a signed consent to its form.
      await call('POST', `api/patients/${patientId}/intakes`, { areas: ['cheek'], intake: {
        birth_date: '1984-06-09', sex: 'female', fitzpatrick: 2, pregnant: false, breastfeeding: false,
        skin: { sensitive: false, dry: false }, conditions: [], medications: [], procedures: [], allergies: [] } });
      const plan = await call('POST', `api/patients/${patientId}/plans`, { indication: 'skin-rejuvenation', areas: ['cheek'] });
      const area = plan.plan.areas[0];
      const form = await call('GET', 'api/consent-text?indication=skin-rejuvenation');
      await call('POST', `api/patients/${patientId}/consents`, {
        consented_by: 'Nora Names', consented_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), text_version: form.version,
        indication: 'skin-rejuvenation', acknowledged: [...form.items, ...form.risks].map((x) => x.id), photo_use: 'record_only',
        signature: SEEDED_SIGNATURE });
      let s = await call('POST', `api/patients/${patientId}/sessions`, {
        date: utcDay(0), status: 'performed', plan_id: plan.id, device: area.device.id,
        needle_lengths: [{ region: 'cheek', needle_length_mm: area.needle_length_mm.planned }],
        lot_number: 'LOT-NAMES-1', passes: 3, end_point: 'uniform erythema' });
      sessionId = s.id;
      assert(s.practitioner_id === user.id, `the practitioner is the caller (${s.practitioner_id} vs ${user.id})`);
      s = await call('POST', `api/sessions/${sessionId}/sign`, { row_version: s.row_version });
      assert(s.signed_by === user.id, 'signed by the practitioner');
      await call('POST', `api/sessions/${sessionId}/amendments`, { field: 'lot_number', new_value: 'LOT-NAMES-2', old_value: 'LOT-NAMES-1', reason: 'misread lot on the box' });
      await call('POST', `api/patients/${patientId}/outcomes`, { scale: 'gais', score: 2, date: utcDay(0), region: 'cheek' });
      await ctx.close();
    }],

    ['the assistant sees the practitioner’s name, not "user #"', async () => {
      await login(page, url, ACCOUNTS.assistant);
      await page.goto(`${url}#/sessions/${sessionId}`);
      await page.waitForSelector('#lock-banner');
      const name = ACCOUNTS.practitioner.display;
      const banner = await page.textContent('#lock-banner');
      assert(banner.includes(`by ${name}.`), `the lock banner names who signed: ${banner}`);
      assert((await page.textContent('#session-practitioner')) === name, 'the header names the practitioner');
      assert((await page.textContent('dl.facts')).includes(name), 'the facts name the practitioner');
      assert((await page.textContent('td.amend-author')) === name, 'the amendment names its author');
      const body = await page.textContent('main');
      assert(!/user #\d/.test(body), 'no "user #id" on the signed session');
      await shot(page, '30-assistant-sees-names');

      await page.goto(`${url}#/patients/${patientId}/sessions`);
      await page.waitForSelector('td.practitioner');
      assert((await page.textContent('td.practitioner')) === name, 'the sessions list names the practitioner');
      await page.goto(`${url}#/patients/${patientId}/outcomes`);
      await page.waitForSelector('details.scores');
      await page.click('details.scores summary');
      assert((await page.textContent('details.scores td.assessor')) === name, 'the score names its assessor');
      assert(!/user #\d/.test(await page.textContent('main')), 'no "user #id" on the outcomes');
      await shot(page, '31-assistant-scores-assessor');
    }],

    ['the password form checks the length and the repeat before sending', async () => {
      await page.click('#account-link');
      await page.waitForSelector('h2:has-text("Change my password")');
      await page.fill('#current-password', ACCOUNTS.assistant.password);
      await page.fill('#new-password', 'short');
      await page.fill('#repeat-password', 'shorter');
      await page.click('#change-password');
      await page.waitForSelector('[data-error-for=new_password]:not(:empty)');
      assert(/at least 10 characters/.test(await page.textContent('[data-error-for=new_password]')), 'the length is checked');
      assert(/differ/.test(await page.textContent('[data-error-for=repeat_password]')), 'the repeat is checked');
      assert(passwordRequests.length === 0, 'nothing was sent');
    }],

    ['a wrong current password is shown at the current-password field', async () => {
      await page.fill('#current-password', 'not-my-password');
      await page.fill('#new-password', NEW_PASSWORD);
      await page.fill('#repeat-password', NEW_PASSWORD);
      await page.click('#change-password');
      await page.waitForSelector('[data-error-for=current_password]:not(:empty)');
      const msg = await page.textContent('[data-error-for=current_password]');
      assert(/current password is not right/.test(msg), `the server’s message at the field: ${msg}`);
      assert((await page.getAttribute('#current-password', 'aria-invalid')) === 'true', 'the field is marked invalid');
      assert((await page.textContent('[data-error-for=new_password]')) === '', 'no error at the new password');
      assert((await page.textContent('[data-error-for=form]')) === '', 'no general error');
      assert(passwordRequests.length === 1, 'the server was asked once');
      await shot(page, '32-password-wrong-current');
    }],

    ['a correct change keeps this browser signed in and ends the other session', async () => {
      // Another browser of the same user, signed in before the change.
      const ctx = await browser.newContext();
      contexts.push(ctx);
      otherSession = ctx;
      await apiSession(ctx, url, ACCOUNTS.assistant);
      assert((await ctx.request.get(`${url}api/me`)).ok(), 'the other session works before the change');

      await page.fill('#current-password', ACCOUNTS.assistant.password);
      await page.click('#change-password');
      await page.waitForSelector('#password-message .saved-note');
      const note = await page.textContent('#password-message');
      assert(/changed/.test(note) && /other session/.test(note) && /signed out/.test(note), `the change and its effect are said: ${note}`);
      assert((await page.textContent('[data-error-for=current_password]')) === '', 'the old error is gone');
      await shot(page, '33-password-changed');

      assert((await otherSession.request.get(`${url}api/me`)).status() === 401, 'the other session has ended');
      const me = await page.evaluate(async () => (await fetch('/api/me')).status);
      assert(me === 200, `this browser is still signed in (GET /api/me: ${me})`);
      // A state-changing request: it needs the new session and the new CSRF token.
      await page.goto(`${url}#/patients/new`);
      await page.fill('input[name=name]', 'Omar After-Change');
      await page.fill('input[name=birth_date]', '1979-11-30');
      await page.click('button:has-text("Create patient")');
      await page.waitForSelector('.patient-head h1:has-text("Omar After-Change")');
    }],

    ['the old password is refused and the new one logs in', async () => {
      await page.click('button:has-text("Log out")');
      await page.waitForSelector('#login-username');
      await page.fill('#login-username', ACCOUNTS.assistant.username);
      await page.fill('#login-password', ACCOUNTS.assistant.password);
      await page.click('form.login-card button[type=submit]');
      await page.waitForSelector('#login-error:not(:empty)');
      assert(/wrong username or password/.test(await page.textContent('#login-error')), 'the old password is refused');
      await login(page, url, { ...ACCOUNTS.assistant, password: NEW_PASSWORD });
      await page.waitForSelector('h1:has-text("Today")');
      assert((await page.textContent('#who-name')) === ACCOUNTS.assistant.display, 'signed in as the assistant');
      await shot(page, '34-login-new-password');
    }],
  ], { page });
} finally {
  for (const c of contexts) await c.close().catch(() => {});
  await browser.close().catch(() => {});
  await server.stop();
}
finish(result);
