// Every form of the interface when sending it fails for a reason that is not the server's
// refusal: the network dropped (the request aborted), an error page that is not the server's
// (502 with HTML, a proxy's) and a success status with a body that is not JSON (a captive portal,
// a proxy's login page). Each form says under its buttons what happened and what became of the
// record (not saved; or, for the unreadable success, that it is not known), keeps what was
// typed, and saves when sent again once the server answers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNTS, api, assert, checkEach, drawSignature, finish, launchBrowser, login, newPage, repo, runSteps, seedConsent, seedPerformed, shot, startServer, utcDay } from './lib.mjs';

const FILE = 'save-failures';
const server = await startServer();
const browser = await launchBrowser();
let result = { passed: 0, failed: 1 };

const intake = JSON.parse(readFileSync(join(repo, 'examples/intake-acne-scars.json'), 'utf8'));
const eligible = { ...intake, birth_date: '1988-03-14', medications: [] };
// A 2 x 2 PNG, a stand-in for a photo.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4+v8/AwMDEwMDAwMDAwAkBgMBvR7jugAAAABJRU5ErkJggg==', 'base64');

// How the request fails, and what the form must say about the record.
const MODES = [
  ['the network drops', (r) => r.abort('failed'), /was not \w+: the server could not be reached/],
  ['a proxy answers 502 with a page', (r) => r.fulfill({ status: 502, contentType: 'text/html', body: '<html><body>Bad gateway</body></html>' }), /was not \w+: the server answered with an error \(HTTP 502\)/],
  ['a 200 that is not JSON', (r) => r.fulfill({ status: 200, contentType: 'text/html', body: '<html><body>Please log in</body></html>' }), /It is not known whether .* was \w+/],
];

try {
  const page = await newPage(browser);
  const url = server.url;
  const ids = {};
  page.on('dialog', (d) => void d.accept().catch(() => {}));  // leaving a form with changes (between the cases)
  // The browser logs each aborted or 502 request as a resource error: expected here.
  page.on('console', () => { page.errors = page.errors.filter((e) => !/Failed to load resource/.test(e)); });

  /** Opens a screen afresh (the view drawn again even when only the hash repeats). */
  const open = async (hash, ready) => {
    await page.goto(url + '#/');
    await page.waitForSelector('h1');
    await page.goto(url + hash);
    await page.waitForSelector(ready);
    await page.waitForLoadState('networkidle');
  };

  /**
   * One form: for each failure mode, fill, fail the request, check what is said under the form
   * (`line`) and that the input is kept (`kept` returns the values that must survive); then send
   * once more with the server answering and check `saved`.
   */
  const form = (name, { hash, ready, method, path, fill, send, line, kept, saved }) => [`${name}: says what happened, keeps the input, saves on retry`, async () => {
    for (const [mode, fail, words] of MODES) {
      await open(hash(), ready);
      await fill();
      const before = await kept();
      let hit = 0;
      const glob = `**${path()}`;
      await page.route(glob, (r) => { if (r.request().method() === method) { hit++; return fail(r); } return r.continue(); });
      await send();
      const said = page.locator(line).first();
      await said.waitFor({ state: 'visible', timeout: 5000 }).catch(() => {});
      await page.waitForTimeout(400);  // a live preview that would wipe it has had its turn
      const text = (await said.textContent().catch(() => '')) ?? '';
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      assert(hit > 0, `${name} / ${mode}: the form sent ${method} ${path()}`);
      assert(words.test(text), `${name} / ${mode}: under the form “${text}” should match ${words}`);
      assert(await said.isVisible(), `${name} / ${mode}: the message is visible`);
      const after = await kept();
      assert(JSON.stringify(after) === JSON.stringify(before), `${name} / ${mode}: the input is kept (${JSON.stringify(before)} -> ${JSON.stringify(after)})`);
      if (mode === MODES[0][0]) await shot(page, `save-failure-${name}`, { fullPage: false });
    }
    // The server answers again: the same form, as it was left, is sent.
    await send();
    await saved();
  }];

  const values = (...selectors) => async () => Promise.all(selectors.map((s) => page.inputValue(s)));

  result = await runSteps(FILE, [
    ['a record is seeded through the API', async () => {
      await login(page, url, ACCOUNTS.practitioner);
      const p = await api(page, 'POST', '/api/patients', { name: 'Fiona Failure', birth_date: '1988-03-14', sex: 'female' });
      ids.p = p.id;
      await api(page, 'POST', `/api/patients/${p.id}/intakes`, { intake: eligible, areas: ['cheek'], date: utcDay(-21) });
      const plan = await api(page, 'POST', `/api/patients/${p.id}/plans`, { indication: 'acne-scars', areas: ['cheek'] });
      await seedConsent(page, p.id, { indication: 'acne-scars', by: 'Fiona Failure', day: utcDay(-21) });
      const device = plan.plan.areas[0].device.id;
      const lengths = plan.plan.areas.filter((a) => a.device.id === device).map((a) => ({ region: a.region, needle_length_mm: a.device.length_mm }));
      const s = await api(page, 'POST', `/api/patients/${p.id}/sessions`, { plan_id: plan.id, date: utcDay(-14), status: 'planned', device, lot_number: 'LOT-F1', passes: 4, needle_lengths: lengths });
      const performed = await seedPerformed(page, s.id);
      ids.signed = (await api(page, 'POST', `/api/sessions/${s.id}/sign`, { row_version: performed.row_version })).id;
      ids.open = (await api(page, 'POST', `/api/patients/${p.id}/sessions`, { plan_id: plan.id, date: utcDay(0), status: 'planned', device, needle_lengths: lengths })).id;
    }],

    form('new-patient', {
      hash: () => '#/patients/new', ready: 'form[aria-label="New patient"]', method: 'POST', path: () => '/api/patients',
      fill: async () => { await page.fill('input[name=name]', 'Nadia Retry'); await page.fill('input[name=birth_date]', '1990-02-03'); },
      send: () => page.click('form[aria-label="New patient"] button[type=submit]'),
      line: 'form[aria-label="New patient"] [data-save-failure]', kept: values('input[name=name]', 'input[name=birth_date]'),
      saved: () => page.waitForURL(/#\/patients\/\d+\/intake$/),
    }),

    form('intake', {
      hash: () => `#/patients/${ids.p}/intake`, ready: '#screening-result .screening', method: 'POST', path: () => `/api/patients/${ids.p}/intakes`,
      fill: () => page.check('form.intake-form .chips-select input[value=forehead]'),
      send: () => page.click('#save-intake'),
      line: 'form.intake-form [data-save-failure]',
      kept: async () => page.$$eval('form.intake-form input[type=checkbox], form.intake-form select', (s) => s.map((x) => (x.type === 'checkbox' ? x.checked : x.value))),
      saved: () => page.waitForSelector('.toast:has-text("Intake saved as version 2")'),
    }),

    form('consent', {
      hash: () => `#/patients/${ids.p}/consent`, ready: '#consent-text ul.risks li', method: 'POST', path: () => `/api/patients/${ids.p}/consents`,
      fill: async () => {
        await checkEach(page, '#consent-text input[data-ack]');
        await page.check('#photo-use-record_only');
        await drawSignature(page);
        await page.waitForSelector('#signature-status:has-text("Signed on screen")');
      },
      send: () => page.click('#record-consent'),
      line: '.consent-tab [data-save-failure]',
      kept: async () => [await page.$$eval('#consent-text input[data-ack]', (b) => b.every((x) => x.checked)), await page.isChecked('#photo-use-record_only'),
        await page.textContent('#signature-status')],
      saved: () => page.waitForSelector('.toast:has-text("Consent recorded")'),
    }),

    form('plan', {
      hash: () => `#/patients/${ids.p}/plan`, ready: '.plan-summary', method: 'POST', path: () => `/api/patients/${ids.p}/plans`,
      fill: async () => {}, send: () => page.click('#save-plan'),
      line: 'form.plan-form [data-save-failure]', kept: values('#plan-indication'),
      saved: () => page.waitForSelector('#saved-plans tbody tr:nth-child(2)'),
    }),

    form('new-session', {
      hash: () => `#/patients/${ids.p}/sessions`, ready: '#new-session', method: 'POST', path: () => `/api/patients/${ids.p}/sessions`,
      fill: () => page.fill('#session-date', utcDay(1)), send: () => page.click('#new-session'),
      line: '#session-error', kept: values('#session-plan', '#session-date'),
      saved: () => page.waitForURL(/#\/sessions\/\d+$/),
    }),

    form('session', {
      hash: () => `#/sessions/${ids.open}`, ready: '#save-session', method: 'PUT', path: () => `/api/sessions/${ids.open}`,
      fill: () => page.fill('#lot-number', 'LOT-RETRY-7'), send: () => page.click('#save-session'),
      line: 'form.session-form [data-save-failure]', kept: values('#lot-number'),
      saved: () => page.waitForSelector('#session-message:has-text("Saved")'),
    }),

    form('amendment', {
      hash: () => `#/sessions/${ids.signed}`, ready: '#amend-reason', method: 'POST', path: () => `/api/sessions/${ids.signed}/amendments`,
      fill: async () => { await page.fill('#amend-value', 'LOT-F2'); await page.fill('#amend-reason', 'misread on the box'); },
      send: () => page.click('form[aria-label="Add an amendment"] button[type=submit]'),
      line: 'form[aria-label="Add an amendment"] [data-save-failure]', kept: values('#amend-field', '#amend-value', '#amend-reason'),
      saved: () => page.waitForSelector('#lot-current:has-text("LOT-F2")'),
    }),

    form('adverse-event', {
      hash: () => `#/sessions/${ids.signed}`, ready: '#ae-type', method: 'POST', path: () => `/api/patients/${ids.p}/adverse-events`,
      fill: async () => { await page.fill('#ae-type', 'milia'); await page.fill('#ae-notes', 'two on the left cheek'); },
      send: () => page.click('form[aria-label="Record an adverse event"] button[type=submit]'),
      line: 'form[aria-label="Record an adverse event"] [data-save-failure]', kept: values('#ae-type', '#ae-severity', '#ae-onset', '#ae-notes'),
      saved: () => page.waitForSelector('h2:has-text("Adverse events after this session (1)")'),
    }),

    form('score', {
      hash: () => `#/patients/${ids.p}/outcomes`, ready: '#outcome-scale', method: 'POST', path: () => `/api/patients/${ids.p}/outcomes`,
      fill: async () => { await page.selectOption('#outcome-scale', { index: 1 }); await page.fill('#outcome-score', '2'); },
      send: () => page.click('form[aria-label="Record a score"] button[type=submit]'),
      line: 'form[aria-label="Record a score"] [data-save-failure]', kept: values('#outcome-scale', '#outcome-score', '#outcome-date'),
      saved: () => page.waitForSelector('.toast:has-text("Score recorded")'),
    }),

    form('photo', {
      hash: () => `#/patients/${ids.p}/outcomes`, ready: '#photo-file', method: 'POST', path: () => `/api/patients/${ids.p}/photos`,
      fill: () => page.setInputFiles('#photo-file', { name: 'before.png', mimeType: 'image/png', buffer: PNG }),
      send: () => page.click('form[aria-label="Add a photo"] button[type=submit]'),
      line: 'form[aria-label="Add a photo"] [data-save-failure]',
      kept: async () => [await page.$eval('#photo-file', (f) => f.files?.[0]?.name ?? ''), await page.inputValue('#photo-region'), await page.inputValue('#photo-tag')],
      saved: () => page.waitForSelector('.toast:has-text("Photo added")'),
    }),

    form('account', {
      hash: () => '#/account', ready: '#change-password', method: 'POST', path: () => '/api/me/password',
      fill: async () => { await page.fill('#current-password', ACCOUNTS.practitioner.password); await page.fill('#new-password', 'retry-new-password-1'); await page.fill('#repeat-password', 'retry-new-password-1'); },
      send: () => page.click('#change-password'),
      line: 'form[aria-label="Change my password"] [data-save-failure]', kept: values('#current-password', '#new-password', '#repeat-password'),
      saved: () => page.waitForSelector('#password-message:has-text("has been changed")'),
    }),

    ['as the admin', async () => {
      await page.click('text=Log out');
      await login(page, url, ACCOUNTS.admin);
    }],

    form('new-user', {
      hash: () => '#/admin', ready: '#new-username', method: 'POST', path: () => '/api/users',
      fill: async () => { await page.fill('#new-username', 'rita'); await page.fill('#new-display', 'Rita Retry'); await page.fill('#new-password', 'rita-initial-pw'); },
      send: () => page.click('form[aria-label="New user"] button[type=submit]'),
      line: 'form[aria-label="New user"] [data-save-failure]', kept: values('#new-username', '#new-display', '#new-role', '#new-password'),
      saved: () => page.waitForSelector('tr[data-user="rita"]'),
    }),

    ['the login form says the same when the server cannot be reached', async () => {
      await page.click('text=Log out');
      await page.waitForSelector('#login-username');
      await page.fill('#login-username', ACCOUNTS.admin.username);
      await page.fill('#login-password', ACCOUNTS.admin.password);
      await page.route('**/api/login', (r) => r.abort('failed'));
      await page.click('form.login-card button[type=submit]');
      await page.waitForSelector('#login-error:not(:empty)');
      const text = await page.textContent('#login-error');
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      assert(/^You are not logged in: the server could not be reached/.test(text), `login: ${text}`);
      assert((await page.inputValue('#login-username')) === ACCOUNTS.admin.username, 'the username is kept');
      await page.click('form.login-card button[type=submit]');
      await page.waitForSelector('header.topbar');
    }],

    ['no error in the browser beyond the failed requests', async () => {
      const errors = page.errors.filter((e) => !/Failed to load resource|ERR_FAILED|502/.test(e));
      assert(errors.length === 0, errors.join('\n'));
    }],
  ], { page, errorsProvoked: true });  // aborted requests and broken answers log console errors
} finally {
  await browser.close();
  await server.stop();
}
finish(result);
