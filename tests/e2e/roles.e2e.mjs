// Roles in the browser: an assistant works with patients but is refused the audit log (the
// server answers 403 and the interface says so), cannot save a course plan or sign, and sees
// no administration link.

import { ACCOUNTS, assert, finish, launchBrowser, login, newPage, runSteps, shot, startServer } from './lib.mjs';

const FILE = 'roles';
const server = await startServer();
const browser = await launchBrowser();
let result = { passed: 0, failed: 1 };
try {
  const page = await newPage(browser);
  result = await runSteps(FILE, [
    ['a wrong password is refused with the server’s message', async () => {
      await page.goto(server.url);
      await page.fill('#login-username', ACCOUNTS.assistant.username);
      await page.fill('#login-password', 'not the password');
      await page.click('form.login-card button[type=submit]');
      await page.waitForSelector('#login-error:not(:empty)');
      assert(/wrong username or password/.test(await page.textContent('#login-error')), 'the 401 message is shown');
      await shot(page, '20-login-refused');
    }],

    ['the assistant logs in and has no administration link', async () => {
      await login(page, server.url, ACCOUNTS.assistant);
      await page.waitForSelector('h1:has-text("Today")');
      assert(!(await page.isVisible('nav a:has-text("Administration")')), 'no administration link');
      assert(/assistant/.test(await page.textContent('.topbar .role')), 'the role is shown');
    }],

    ['the assistant is refused the audit log', async () => {
      await page.goto(`${server.url}#/admin/audit`);
      await page.waitForSelector('.error-panel');
      const text = await page.textContent('.error-panel');
      assert(/does not allow/.test(text), `the refusal is explained: ${text}`);
      assert(/HTTP 403|403/.test(text) || /forbidden|role/i.test(text), `it is the server's 403: ${text}`);
      assert((await page.$$('#audit-table tbody tr')).length === 0, 'no audit rows are shown');
      await shot(page, '21-assistant-audit-refused');
    }],

    ['the assistant may create a patient but not save a plan', async () => {
      await page.goto(`${server.url}#/patients/new`);
      await page.fill('input[name=name]', 'Ben Assistant-Entered');
      await page.click('button:has-text("Create patient")');
      await page.waitForSelector('[data-error-for=birth_date]:not(:empty)');
      await page.fill('input[name=birth_date]', '1985-03-14');
      await page.click('button:has-text("Create patient")');
      await page.waitForSelector('#screening-result .screening');
      for (const k of ['conditions', 'medications', 'procedures', 'allergies']) await page.check(`fieldset[data-list=${k}] .asked input`);
      await page.click('#save-intake');
      await page.waitForSelector('.patient-head :text("intake v1")');
      await page.click('#tabbtn-plan');
      await page.waitForSelector('#save-plan');
      assert(await page.isDisabled('#save-plan'), 'Save plan is disabled for an assistant');
      await shot(page, '22-assistant-plan');
    }],
  ], { page });
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
finish(result);
