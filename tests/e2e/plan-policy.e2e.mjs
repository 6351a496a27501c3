// A practice whose clinic policy chooses seed-002's "no make-up for a few days"
// (tests/cases/policies/makeup-few-days.yaml), in a real browser against a real server: the
// plan's aftercare shows the source's words for that end, draws no bar to an end the source
// never gave, and the list says when each instruction applies.

import { join } from 'node:path';
import { ACCOUNTS, api, assert, finish, launchBrowser, login, newPage, repo, runSteps, shot, startServer } from './lib.mjs';

const FILE = 'plan-policy';
const server = await startServer({ policy: join(repo, 'tests/cases/policies/makeup-few-days.yaml') });
const browser = await launchBrowser();
let result = { passed: 0, failed: 1 };
try {
  const page = await newPage(browser);
  const ids = {};
  result = await runSteps(FILE, [
    ['a plan under the policy carries the vague end', async () => {
      await login(page, server.url, ACCOUNTS.practitioner);
      const p = await api(page, 'POST', '/api/patients', { name: 'Vera Vague', birth_date: '1988-05-04', sex: 'female' });
      ids.patient = p.id;
      await api(page, 'POST', `/api/patients/${p.id}/intakes`, { areas: ['cheek'], intake: {
        birth_date: '1988-05-04', sex: 'female', fitzpatrick: 2, pregnant: false, breastfeeding: false, skin: { sensitive: false, dry: false },
        conditions: [], medications: [], procedures: [], allergies: [] } });
      const plan = await api(page, 'POST', `/api/patients/${p.id}/plans`, { indication: 'skin-rejuvenation', areas: ['cheek'] });
      const makeup = plan.plan.aftercare.find((a) => a.id === 'no-makeup');
      assert(makeup?.open_ended && makeup.vague_end === 'for a few days' && makeup.to_hours === undefined,
        `the API gives the source's words and no hours: ${JSON.stringify(makeup)}`);
    }],

    ['the aftercare timeline shows "for a few days", with no end bar', async () => {
      await page.goto(`${server.url}#/patients/${ids.patient}/plan`);
      await page.waitForSelector('.plan-summary');
      await page.click('#plan-aftercare > summary');
      const row = page.locator('.aftercare-svg g[data-aftercare=no-makeup]');
      await row.waitFor({ state: 'attached' });
      assert((await row.getAttribute('class')).includes('vague'), 'drawn as a vague end');
      const text = await row.locator('text').textContent();
      assert(/for a few days/.test(text), `the source's words on the timeline: ${text}`);
      const width = Number(await row.locator('rect').getAttribute('width'));
      const closed = Number(await page.locator('.aftercare-svg g[data-aftercare=sun-avoidance] rect').getAttribute('width'));
      assert(width <= 3 && closed > 50, `a start mark, not a bar (${width} against a closed bar's ${closed})`);
      assert(/for a few days \(the source gives no number\)/.test(await row.locator('title').textContent()), 'its title says there is no number');
      const item = await page.locator('#aftercare-list li[data-aftercare=no-makeup]').textContent();
      assert(/for a few days \(the source gives no number\)/.test(item), `the list says it too: ${item}`);
      assert(!/until healed/.test(await page.locator('.aftercare-svg').innerHTML()), 'no invented end anywhere on the timeline');
      await page.locator('#plan-aftercare').scrollIntoViewIfNeeded();
      await shot(page, 'plan-policy-01-aftercare-vague-end');
    }],
  ], { page });
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
finish(result);
