// The patient list as the practice grows, against a real server holding 60 patients from
// `dermaplan demo-data`: a banner says the database holds demo data and every demo row is marked;
// the list reads further pages through the server's cursor ("Show more"), each patient once and
// in order (and start again from the top, saying so, when the cursor's patient was renamed);
// one or two letters find the names that begin with them, and the list says so; the search is
// kept in the address (Back and a reload show it again).

import { ACCOUNTS, api, assert, finish, launchBrowser, login, newPage, runSteps, shot, startServer } from './lib.mjs';

const FILE = 'patient-list';
const server = await startServer({ demoPatients: 60 });
const browser = await launchBrowser();
let result = { passed: 0, failed: 1 };
const rowNames = (page) => page.$$eval('.patient-search tbody tr td:first-child a', (as) => as.map((a) => a.textContent));
try {
  const page = await newPage(browser);
  const cursorRequests = [];
  page.on('request', (r) => { if (r.url().includes('/api/patients?')) cursorRequests.push(r.url()); });
  result = await runSteps(FILE, [
    ['the list says the database holds demo patients and marks each row', async () => {
      await login(page, server.url, ACCOUNTS.practitioner);
      await page.goto(`${server.url}#/patients`);
      await page.waitForSelector('.patient-search tbody tr');
      const banner = await page.textContent('#demo-banner');
      assert(/holds 60 demo patients/.test(banner), `the banner counts them: ${banner}`);
      const rows = await page.$$('.patient-search tbody tr');
      assert(rows.length === 50, `a first page of 50: ${rows.length}`);
      assert((await page.$$('.patient-search tbody tr[data-demo=true] .badge.demo')).length === 50, 'every demo row is marked');
      assert(/50 of 60 shown/.test(await page.textContent('#patient-list-summary')), 'the summary says 50 of 60');
      await shot(page, '60-patient-list-demo');
    }],

    ['"Show more" reads the next page through the cursor: every patient once, in order', async () => {
      const first = await rowNames(page);
      await page.click('#patient-list-more');
      await page.waitForFunction(() => document.querySelectorAll('.patient-search tbody tr').length === 60);
      const all = await rowNames(page);
      assert(JSON.stringify(all.slice(0, 50)) === JSON.stringify(first), 'the first page stays as it was');
      const ids = await page.$$eval('.patient-search tbody tr td:first-child a', (as) => as.map((a) => a.getAttribute('href')));
      assert(new Set(ids).size === 60, `each of the 60 patients once: ${ids.length} rows, ${new Set(ids).size} different`);
      const folded = all.map((n) => n.toLowerCase());
      assert(folded.every((n, i) => i === 0 || folded[i - 1] <= n), `ordered by name: ${folded.join(' | ')}`);
      assert(await page.isHidden('#patient-list-more'), 'no "Show more" after the last page');
      const last = cursorRequests[cursorRequests.length - 1];
      assert(/[?&]after=/.test(last) && !/offset=/.test(last), `the next page is asked by cursor: ${last}`);
    }],

    ['a patient renamed under the cursor: the list starts again from the top, with a notice', async () => {
      await page.reload();
      await page.waitForFunction(() => document.querySelectorAll('.patient-search tbody tr').length === 50);
      // The first page's last patient is the cursor's place: renamed, that place is gone (409).
      const lastHref = await page.getAttribute('.patient-search tbody tr:last-child td:first-child a', 'href');
      const id = Number(lastHref.split('/').pop());
      const before = await api(page, 'GET', `/api/patients/${id}`);
      await api(page, 'PATCH', `/api/patients/${id}`, { name: `${before.name} Renamed`, row_version: before.row_version });
      const answers = [];
      const onResponse = (r) => { if (r.url().includes('after=')) answers.push(r.status()); };
      page.on('response', onResponse);
      await page.click('#patient-list-more');
      await page.waitForSelector('#patient-list-notice');
      page.off('response', onResponse);
      assert(answers.includes(409), `the cursor's page was refused as gone: ${answers.join(', ')}`);
      assert(/starts again from the top/.test(await page.textContent('#patient-list-notice')), 'the notice says the list restarted');
      assert((await page.$$('.patient-search tbody tr')).length === 50, 'the first page again');
      assert(await page.isVisible('#patient-list-more'), 'with "Show more" to read on');
      assert(!(await page.isVisible('.patient-search .field-error:not(:empty)')), 'no error shown');
      await page.click('#patient-list-more');
      await page.waitForFunction(() => document.querySelectorAll('.patient-search tbody tr').length === 60);
      const all = await rowNames(page);
      assert(all.some((n) => n.endsWith(' Renamed')), 'the renamed patient is in the list under the new name');
      await shot(page, '61-patient-list-restarted');
    }],

    ['two letters find the names that hold them anywhere, not only at the start', async () => {
      // The server folds case and accents (Krüger is found by "kru"): compare folded too.
      const fold = (t) => t.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
      const all = await rowNames(page);
      const inside = fold(all[0]).slice(1, 3);  // two letters from inside the first name
      await page.fill('#patient-search', inside);
      await page.waitForFunction((q) => {
        const f = (t) => t.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
        const names = [...document.querySelectorAll('.patient-search tbody tr td:first-child a')].map((a) => f(a.textContent));
        return names.length > 0 && names.every((n) => n.includes(q));
      }, inside);
      const found = await rowNames(page);
      const expected = all.filter((n) => fold(n).includes(inside));
      assert(JSON.stringify(found) === JSON.stringify(expected), `the names holding "${inside}": ${found.join(', ')}`);
      assert(found.some((n) => !fold(n).startsWith(inside)), `"${inside}" found inside a name: ${found.join(', ')}`);
      await page.fill('#patient-search', '(demo');
      await page.waitForFunction(() => document.querySelectorAll('.patient-search tbody tr').length === 50);
    }],

    ['the search is kept in the address: back from a patient and after a reload it is still there', async () => {
      await page.fill('#patient-search', 'mül');
      await page.waitForFunction(() => location.hash === '#/patients?q=m%C3%BCl');
      await page.waitForFunction(() => [...document.querySelectorAll('.patient-search tbody tr td:first-child a')].every((a) => /m[uü]l/i.test(a.textContent)));
      const found = await rowNames(page);
      await page.click('.patient-search tbody tr:first-child td:first-child a');
      await page.waitForSelector('.patient-head');
      await page.goBack();
      await page.waitForSelector('.patient-search tbody tr');
      assert((await page.inputValue('#patient-search')) === 'mül', 'back: the search box holds the search');
      await page.waitForFunction((n) => document.querySelectorAll('.patient-search tbody tr').length === n, found.length);
      assert(JSON.stringify(await rowNames(page)) === JSON.stringify(found), 'and the same patients');
      await page.reload();
      await page.waitForSelector('.patient-search tbody tr');
      assert((await page.inputValue('#patient-search')) === 'mül', 'a reload keeps it too');
      await page.click('nav a:has-text("Patients")');
      await page.waitForFunction(() => document.getElementById('patient-search')?.value === '');
    }],
  ], { page });
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
finish(result);
