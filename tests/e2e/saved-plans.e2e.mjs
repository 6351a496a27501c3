// The saved plans of a patient follow every save on the plan tab, without a reload: the first
// plan appears in *Saved plans* as it is saved, with the count on the patient's tab; a second
// save with another region (the plan amended: plans are kept, a change is a new one) comes on
// top, newest first; *Show* brings back the older one as computed then; the page was never
// reloaded; axe finds nothing serious (no id twice: the saved-note and the list both link the
// plan's documents). Every step saves a screenshot.

import { ACCOUNTS, api, assert, axeSerious, finish, launchBrowser, login, newPage, runSteps, shot, startServer } from './lib.mjs';

const FILE = 'saved-plans';
const server = await startServer();
const browser = await launchBrowser();
let result = { passed: 0, failed: 1 };

const intake = {
  birth_date: '1986-05-20', sex: 'female', fitzpatrick: 2, pregnant: false, breastfeeding: false,
  skin: { sensitive: false, dry: false }, conditions: [], medications: [], procedures: [], allergies: [],
};

try {
  const page = await newPage(browser);
  const url = server.url;
  let patientId = 0;
  const savedIds = [];
  const rows = () => page.$$eval('#saved-plans tbody tr', (trs) => trs.map((tr) => ({
    id: Number(tr.dataset.plan), regions: tr.querySelector('td:nth-child(3)')?.textContent ?? '', by: tr.querySelector('td:nth-child(6)')?.textContent ?? '' })));
  const planCount = () => page.$eval('#tabbtn-plan', (a) => a.querySelector('.count')?.textContent ?? '');
  const save = async () => {
    const before = await page.$$eval('#saved-plans tbody tr', (trs) => trs.length);
    await page.click('#save-plan');
    // The note names the new plan (the one of an earlier save is replaced)...
    const handle = await page.waitForFunction((known) => {
      const m = /Saved as plan #(\d+)/.exec(document.getElementById('to-sessions')?.parentElement?.textContent ?? '');
      return m && !known.includes(Number(m[1])) ? Number(m[1]) : null;
    }, savedIds);
    const id = await handle.jsonValue();
    savedIds.push(id);
    // ...and the list is drawn again once the stored record is read back.
    await page.waitForFunction((n) => document.querySelectorAll('#saved-plans tbody tr').length === n, before + 1);
    return id;
  };

  result = await runSteps(FILE, [
    ['a patient with an intake, no plan yet', async () => {
      await login(page, url, ACCOUNTS.practitioner);
      const p = await api(page, 'POST', '/api/patients', { name: 'Paula Plans', birth_date: intake.birth_date, sex: 'female' });
      patientId = p.id;
      await api(page, 'POST', `/api/patients/${patientId}/intakes`, { intake, areas: ['cheek'] });
      await page.goto(`${url}#/patients/${patientId}/plan`);
      await page.waitForSelector('#plan-indication');
      assert(!(await page.isVisible('#saved-plans')), 'no saved-plans list while there is none');
      assert((await planCount()) === '', 'no count on the tab');
      // Set on this page: a reload would drop it.
      await page.evaluate(() => { window.__samePage = true; });
    }],

    ['the first save shows the plan in Saved plans at once, and its count on the tab', async () => {
      await page.selectOption('#plan-indication', 'acne-scars');
      await page.click('[data-region=cheek] path.map-shape >> nth=0');
      await page.waitForFunction(() => document.querySelectorAll('table.areas tbody tr').length === 1);
      const id = await save();
      assert(await page.isVisible('#saved-plans'), 'the list shows');
      assert(/Saved plans \(1\)/.test(await page.textContent('#saved-plans h2')), await page.textContent('#saved-plans h2'));
      const r = await rows();
      assert(r.length === 1 && r[0].id === id, `the saved plan is listed (${JSON.stringify(r)})`);
      assert(/Cheek/i.test(r[0].regions) && r[0].by === ACCOUNTS.practitioner.display, `its regions and who saved it (${JSON.stringify(r[0])})`);
      assert((await planCount()) === '1', `the tab counts it (${await planCount()})`);
      assert(!(await page.title()).startsWith('●'), 'nothing left unsaved');
      await shot(page, '50-first-plan-saved');
    }],

    ['an amended plan (another region) is saved as a new one and listed on top', async () => {
      await page.focus('[data-region=forehead]');
      await page.keyboard.press('Space');
      await page.waitForFunction(() => document.querySelectorAll('table.areas tbody tr').length === 2);
      const id = await save();
      assert(id > savedIds[0], `a new plan (${id})`);
      const r = await rows();
      assert(r.length === 2 && r[0].id === id && r[1].id === savedIds[0], `newest first (${JSON.stringify(r)})`);
      assert(/Forehead/i.test(r[0].regions) && !/Forehead/i.test(r[1].regions), `each with its regions (${JSON.stringify(r)})`);
      assert((await planCount()) === '2', `the tab counts both (${await planCount()})`);
      assert(await page.evaluate(() => window.__samePage === true), 'the page was not reloaded');
      await shot(page, '51-amended-plan-saved');
    }],

    ['after a save the note by Save says where the plan went, and jumps there', async () => {
      const id = savedIds[1];
      // Above the plan a practitioner works on, not under the whole plan.
      assert(await page.evaluate(() => {
        const list = document.getElementById('saved-plans');
        const form = document.querySelector('form.plan-form');
        return Boolean(list && form && list.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING);
      }), 'the saved plans come before the plan form');
      const note = await page.textContent('.saved-where');
      assert(new RegExp(`Saved as plan #${id}, now at the top of Saved plans`).test(note), `the note names the plan and the list: “${note}”`);
      // From the bottom of the plan (where Save sits in its sticky bar), the list is out of sight.
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      const inView = () => page.$eval('#saved-plans', (el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; });
      assert(!(await inView()), 'the list is out of view at the bottom of the plan');
      assert(await page.isVisible('#to-saved-plans'), 'the jump is by the Save button');
      await page.click('#to-saved-plans');
      await page.waitForFunction(() => { const r = document.getElementById('saved-plans').getBoundingClientRect(); return r.top > -2 && r.top < window.innerHeight; }, null, { timeout: 5000 })
        .catch(async (e) => { throw new Error(`${e.message}: ${await page.evaluate(() => JSON.stringify({ top: document.getElementById('saved-plans').getBoundingClientRect().top, y: window.scrollY }))}`); });
      const row = await page.evaluate(() => ({ focused: document.activeElement?.getAttribute('data-plan'), marked: [...document.querySelectorAll('#saved-plans tr.just-saved')].map((t) => t.dataset.plan) }));
      assert(row.focused === String(id) && row.marked.length === 1 && row.marked[0] === String(id), `the new plan’s row is focused and marked (${JSON.stringify(row)})`);
      await shot(page, '52-saved-plan-jump', { fullPage: false });
    }],

    ['Show brings back the older plan as computed then; its documents are linked', async () => {
      await page.click(`#saved-plans tr[data-plan="${savedIds[0]}"] button:has-text("Show")`);
      await page.waitForSelector(`.saved-note:has-text("Saved plan #${savedIds[0]}")`);
      assert((await page.$$('.plan-output table.areas tbody tr')).length === 1, 'one region, as saved');
      const href = await page.getAttribute(`#saved-plan-${savedIds[1]}-handout`, 'href');
      assert(href === `/api/plans/${savedIds[1]}/handout.pdf`, `the listed plan's handout (${href})`);
    }],

    ['axe finds nothing serious on the tab (no id twice)', async () => {
      const v = await axeSerious(page);
      assert(v.length === 0, v.join('\n'));
      const dup = await page.evaluate(() => {
        const seen = new Set();
        return [...document.querySelectorAll('[id]')].map((e) => e.id).filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
      });
      assert(dup.length === 0, `ids used twice: ${dup.join(', ')}`);
    }],

    ['after a reload the list is the same', async () => {
      await page.reload();
      await page.waitForSelector('#saved-plans tbody tr');
      const r = await rows();
      assert(r.map((x) => x.id).join() === [...savedIds].reverse().join(), `as stored (${JSON.stringify(r)})`);
    }],
  ], { page });
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
finish(result);
