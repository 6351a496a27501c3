// An admin sets another user's password on Administration → Users (PATCH /api/users/{id} with
// `password` and `row_version`): the form's own checks (length, the repeat) before anything is
// sent, a confirmation that names the user and says their sessions end, the server's refusal
// shown at the field it names, a stale record (changed behind the page's back) said under the
// form, then the change: the user's other session ends at once (the server's doing), the old
// password is refused and the new one logs in, the admin stays signed in, the row's next change
// (a role) is not refused as stale, and the audit log says "password changed". The admin's own
// row offers My account instead (PATCH would end the admin's own session). Axe on the open
// dialog; the dialog fits a phone. Every step saves a screenshot.

import { ACCOUNTS, assert, axeSerious, finish, launchBrowser, login, newPage, runSteps, shot, startServer } from './lib.mjs';

const FILE = 'admin-users';
const NEW_PASSWORD = 'sam-reset-by-admin-1';

const server = await startServer();
const browser = await launchBrowser();
let result = { passed: 0, failed: 1 };
const contexts = [];
try {
  const page = await newPage(browser);
  const url = server.url;
  const patches = [];
  page.on('request', (r) => { if (r.method() === 'PATCH' && /\/api\/users\/\d+$/.test(r.url())) patches.push(r.postDataJSON()); });
  const sam = `tr[data-user="${ACCOUNTS.assistant.username}"]`;
  const dialog = 'dialog.set-password-dialog[open]';
  /** A login through the API in its own browser context: { ok, status, ctx }. */
  const apiLogin = async (password) => {
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const r = await ctx.request.post(`${url}api/login`, { data: { username: ACCOUNTS.assistant.username, password } });
    return { ok: r.ok(), status: r.status(), ctx };
  };
  let samElsewhere = null;

  result = await runSteps(FILE, [
    ['the assistant is signed in elsewhere; the admin opens Users', async () => {
      const other = await apiLogin(ACCOUNTS.assistant.password);
      assert(other.ok, `the assistant logs in (${other.status})`);
      samElsewhere = other.ctx;
      await login(page, url, ACCOUNTS.admin);
      await page.click('nav a:has-text("Administration")');
      await page.waitForSelector(`${sam} button[data-action=set-password]`);
      assert(await page.isVisible(`tr[data-user="${ACCOUNTS.admin.username}"] a[data-action=own-password][href="#/account"]`),
        'the admin’s own row leads to My account, not to Set password');
      assert(!(await page.isVisible(`tr[data-user="${ACCOUNTS.admin.username}"] button[data-action=set-password]`)), 'no Set password on the own row');
      await shot(page, '40-admin-users');
    }],

    ['the greyed Disable on the admin’s own row says why, in words on screen and in its description', async () => {
      const own = `tr[data-user="${ACCOUNTS.admin.username}"]`;
      const button = page.locator(`${own} button[data-action=toggle-disabled]`);
      assert(await button.isDisabled(), 'the own row’s Disable is disabled');
      const note = page.locator(`${own} .own-account-note`);
      assert(await note.isVisible(), 'a visible note beside it');
      const described = await button.evaluate((b) => (b.getAttribute('aria-describedby') ?? '').split(' ')
        .map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
      assert(/cannot disable it/.test(described) && /Another admin can/.test(described), `its accessible description gives the reason: “${described}”`);
      assert(!(await page.locator(`${sam} .own-account-note`).count()), 'another user’s row has no such note');
      assert(await page.locator(`${sam} button[data-action=toggle-disabled]`).isEnabled(), 'and its Disable works');
    }],

    ['the form checks the length and the repeat before sending anything', async () => {
      await page.click(`${sam} button[data-action=set-password]`);
      await page.waitForSelector(dialog);
      assert(/Sam Assistant \(sam\)/.test(await page.textContent(`${dialog} h2`)), 'the dialog names the user');
      assert(await page.evaluate(() => document.activeElement?.getAttribute('data-field') === 'password'), 'the focus is in the new password');
      await page.fill(`${dialog} [data-field=password]`, 'short');
      await page.fill(`${dialog} [data-field=repeat_password]`, 'shorter');
      await page.click(`${dialog} button[data-action=set-password]`);
      await page.waitForSelector(`${dialog} [data-error-for=password]:not(:empty)`);
      assert(/at least 10 characters/.test(await page.textContent(`${dialog} [data-error-for=password]`)), 'the length is checked');
      assert(/differ/.test(await page.textContent(`${dialog} [data-error-for=repeat_password]`)), 'the repeat is checked');
      assert((await page.getAttribute(`${dialog} [data-field=password]`, 'aria-invalid')) === 'true', 'the field is marked invalid');
      assert(!(await page.isVisible(`${dialog} .confirm-box`)), 'no confirmation for a refused form');
      assert(patches.length === 0, 'nothing was sent');
      await shot(page, '41-set-password-checks');
    }],

    ['a valid password asks to confirm, naming the user and the end of their sessions; Back sends nothing', async () => {
      await page.fill(`${dialog} [data-field=password]`, NEW_PASSWORD);
      await page.fill(`${dialog} [data-field=repeat_password]`, NEW_PASSWORD);
      await page.click(`${dialog} button[data-action=set-password]`);
      await page.waitForSelector(`${dialog} .confirm-box:not([hidden])`);
      const text = await page.textContent(`${dialog} .confirm-box`);
      assert(/Set this password for Sam Assistant \(sam\)\?/.test(text) && /Every session of sam ends now/.test(text), `the confirmation: ${text}`);
      assert((await page.textContent(`${dialog} [data-error-for=password]`)) === '', 'the earlier errors are gone');
      const v = await axeSerious(page);
      assert(v.length === 0, `the dialog:\n    ${v.join('\n    ')}`);
      await shot(page, '42-set-password-confirm');
      await page.click(`${dialog} button[data-action=back]`);
      assert(await page.isVisible(`${dialog} button[data-action=set-password]`), 'Back returns to the form');
      assert((await page.inputValue(`${dialog} [data-field=password]`)) === NEW_PASSWORD, 'the typed password is kept');
      assert(patches.length === 0, 'nothing was sent');
    }],

    ['the server’s refusal is shown at the field it names', async () => {
      // Ten spaces pass the form's length check; the server wants characters besides spaces.
      await page.fill(`${dialog} [data-field=password]`, ' '.repeat(10));
      await page.fill(`${dialog} [data-field=repeat_password]`, ' '.repeat(10));
      await page.click(`${dialog} button[data-action=set-password]`);
      await page.click(`${dialog} button[data-action=confirm]`);
      await page.waitForSelector(`${dialog} [data-error-for=password]:not(:empty)`);
      const msg = await page.textContent(`${dialog} [data-error-for=password]`);
      assert(/besides spaces/.test(msg), `the server’s words at the field: ${msg}`);
      assert((await page.textContent(`${dialog} [data-error-for=form]`)) === '', 'no general error');
      assert(patches.length === 1 && patches[0].password === ' '.repeat(10) && Number.isInteger(patches[0].row_version), `one PATCH with password and row_version (${JSON.stringify(patches)})`);
      assert(await page.isVisible(dialog), 'the dialog stays open');
      await shot(page, '43-set-password-server-refusal');
    }],

    ['Escape closes the dialog and forgets what was typed', async () => {
      await page.keyboard.press('Escape');
      await page.waitForSelector(dialog, { state: 'detached' });
      await page.click(`${sam} button[data-action=set-password]`);
      await page.waitForSelector(dialog);
      assert((await page.inputValue(`${dialog} [data-field=password]`)) === '', 'the field is empty again');
      assert((await page.textContent(`${dialog} [data-error-for=password]`)) === '', 'no old error');
    }],

    ['confirmed: the password is set, the user’s other session ends, the admin stays', async () => {
      await page.fill(`${dialog} [data-field=password]`, NEW_PASSWORD);
      await page.fill(`${dialog} [data-field=repeat_password]`, NEW_PASSWORD);
      await page.click(`${dialog} button[data-action=set-password]`);
      await page.click(`${dialog} button[data-action=confirm]`);
      await page.waitForSelector(`${sam} [role=status]:has-text("Password set")`);
      assert(!(await page.isVisible(dialog)), 'the dialog has closed');
      const row = await page.textContent(`${sam} [role=status]`);
      assert(/sam was signed out everywhere/.test(row), `the row says what happened: ${row}`);
      assert(/New password set for sam/.test(await page.textContent('#toast')), 'a confirmation toast');
      assert(patches.length === 2, `sent once more (${patches.length})`);
      await shot(page, '44-set-password-done');
      assert((await samElsewhere.request.get(`${url}api/me`)).status() === 401, 'the assistant’s other session has ended');
      const me = await page.evaluate(async () => (await fetch('/api/me')).status);
      assert(me === 200, `the admin is still signed in (${me})`);
    }],

    ['the old password is refused and the new one logs in', async () => {
      const old = await apiLogin(ACCOUNTS.assistant.password);
      assert(old.status === 401, `the old password is refused (${old.status})`);
      const fresh = await apiLogin(NEW_PASSWORD);
      assert(fresh.ok, `the new password logs in (${fresh.status})`);
    }],

    ['the row’s next change is not refused as stale (its row_version followed)', async () => {
      for (const role of ['practitioner', 'assistant']) {
        await page.selectOption(`${sam} select`, role);
        await page.waitForFunction((sel) => document.querySelector(sel)?.textContent !== 'saving…', `${sam} [role=status]`);
        const said = await page.textContent(`${sam} [role=status]`);
        assert(said === 'saved', `the role change to ${role} is saved (${said})`);
      }
    }],

    ['a user changed behind the page’s back: the conflict is said under the form', async () => {
      // Another admin (here: the API, from this browser) renames the assistant.
      const row = await page.evaluate(async () => {
        const users = (await (await fetch('/api/users')).json()).users;
        return users.find((u) => u.username === 'sam');
      });
      const csrf = await page.evaluate(() => decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('dermaplan_csrf='))?.split('=')[1] ?? ''));
      const r = await page.evaluate(async ({ id, v, csrf }) => (await fetch(`/api/users/${id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
        body: JSON.stringify({ row_version: v, display_name: 'Sam Renamed' }) })).status, { id: row.id, v: row.row_version, csrf });
      assert(r === 200, `renamed (${r})`);
      await page.click(`${sam} button[data-action=set-password]`);
      await page.fill(`${dialog} [data-field=password]`, 'another-new-password');
      await page.fill(`${dialog} [data-field=repeat_password]`, 'another-new-password');
      await page.click(`${dialog} button[data-action=set-password]`);
      await page.click(`${dialog} button[data-action=confirm]`);
      await page.waitForSelector(`${dialog} [data-error-for=form]:not(:empty)`);
      const msg = await page.textContent(`${dialog} [data-error-for=form]`);
      assert(/changed this user/.test(msg) && /not set/.test(msg) && /reload/.test(msg), `the conflict and what to do: ${msg}`);
      await shot(page, '45-set-password-conflict');
      const still = await apiLogin(NEW_PASSWORD);
      assert(still.ok, 'the password is unchanged');
      await page.click(`${dialog} button[data-action=cancel]`);
    }],

    ['the audit log says the password was changed, not what it is', async () => {
      await page.goto(`${url}#/admin/audit`);
      await page.waitForSelector('#audit-table tbody tr');
      const sentences = await page.$$eval('#audit-table .audit-sentence', (els) => els.map((e) => e.textContent));
      assert(sentences.some((t) => /Changed user #\d+: password changed/.test(t)), `an entry for the change: ${sentences.slice(0, 8).join(' | ')}`);
      assert(!(await page.textContent('#audit-table')).includes(NEW_PASSWORD), 'the password itself is nowhere');
    }],

    ['a new user: the server’s refusal at its field, then the user created and said so', async () => {
      await page.goto(`${url}#/admin`);
      await page.waitForSelector('form[aria-label="New user"]');
      await page.fill('#new-username', 'Jo Nurse');
      await page.fill('#new-display', 'Jo Nurse');
      await page.selectOption('#new-role', 'assistant');
      await page.fill('#new-password', 'jo-initial-password');
      await page.click('form[aria-label="New user"] button[type=submit]');
      await page.waitForSelector('[data-error-for=username]:not(:empty)');
      assert((await page.inputValue('#new-password')) === 'jo-initial-password', 'what was typed is kept');
      await page.fill('#new-username', 'jo.nurse');
      await page.click('form[aria-label="New user"] button[type=submit]');
      await page.waitForSelector('tr[data-user="jo.nurse"]');
      assert(/User jo\.nurse created as assistant/.test(await page.textContent('#toast')), `a confirmation: ${await page.textContent('#toast')}`);
    }],

    ['on a phone the dialog fits the screen', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${url}#/admin`);
      await page.waitForSelector(`${sam} button[data-action=set-password]`);
      await page.click(`${sam} button[data-action=set-password]`);
      await page.waitForSelector(dialog);
      const fit = await page.evaluate((sel) => {
        const d = document.querySelector(sel);
        const b = d.getBoundingClientRect();
        return { scroll: d.scrollWidth, client: d.clientWidth, left: b.left, right: b.right, vw: innerWidth };
      }, dialog);
      assert(fit.scroll <= fit.client && fit.left >= 0 && fit.right <= fit.vw, `the dialog fits 390 px (${JSON.stringify(fit)})`);
      await shot(page, 'phone-admin-set-password', { fullPage: false });
      await page.keyboard.press('Escape');
      await page.setViewportSize({ width: 1366, height: 900 });
    }],
  ], { page });
} finally {
  for (const c of contexts) await c.close().catch(() => {});
  await browser.close().catch(() => {});
  await server.stop();
}
finish(result);
