// Practice outcomes in the browser against a real server: a small practice is recorded through
// the API (patients, intakes, plans, consents, sessions through the treatment gate, scores), the
// practitioner opens Outcomes, filters by indication and groups by sex, and sees the change
// chart with a series, the seeded change in the table with n beside it, the cells of one and two
// patients as "too few", the filters kept in the address (a reload shows the same view), and
// "observational, not a trial" on the page; axe finds nothing serious. An assistant has no
// Outcomes link and is refused the page.

import {
  ACCOUNTS, api, assert, axeSerious, chartText, finish, horizontalOverflow, launchBrowser, login, newPage, runSteps, seedConsent, shot, startServer, utcDay,
} from './lib.mjs';

const FILE = 'outcomes';
const server = await startServer();
const browser = await launchBrowser();
let result = { passed: 0, failed: 1 };

const intake = {
  birth_date: '1990-04-02', sex: 'female', fitzpatrick: 2, pregnant: false, breastfeeding: false,
  skin: { sensitive: false, dry: false }, conditions: [], medications: [], procedures: [], allergies: [],
};

/** A patient treated for `indication` on `region`: three sessions 28 days apart from 120 days
 *  ago (what is recorded as performed has happened), a score at the first session and one 12
 *  weeks later. */
async function treated(page, { name, sex, indication, region, scale, baseline, change }) {
  const p = await api(page, 'POST', '/api/patients', { name, birth_date: '1990-04-02', sex });
  // Taken and given before the first session (the gate wants both by each session's date).
  await api(page, 'POST', `/api/patients/${p.id}/intakes`, { intake: { ...intake, sex: sex === 'male' ? 'male' : 'female' }, areas: [region], date: utcDay(-127) });
  const plan = await api(page, 'POST', `/api/patients/${p.id}/plans`, { indication, areas: [region] });
  const area = plan.plan.areas[0];
  await seedConsent(page, p.id, { indication, by: name, day: utcDay(-127) });
  for (const days of [-120, -92, -64]) {
    await api(page, 'POST', `/api/patients/${p.id}/sessions`, {
      date: utcDay(days), status: 'performed', plan_id: plan.id, device: area.device.id, lot_number: `LOT-${p.id}`,
      needle_lengths: [{ region, needle_length_mm: area.needle_length_mm.planned }],
    });
  }
  await api(page, 'POST', `/api/patients/${p.id}/outcomes`, { scale, score: baseline, date: utcDay(-120), region });
  await api(page, 'POST', `/api/patients/${p.id}/outcomes`, { scale, score: baseline + change, date: utcDay(-36), region });
}

try {
  const page = await newPage(browser);
  const url = server.url;
  result = await runSteps(FILE, [
    ['a small practice is recorded through the API', async () => {
      await login(page, url, ACCOUNTS.practitioner);
      // Acne scars: six women (Goodman & Baron down by 1 or 2: mean −1.5), two men and one
      // patient of another sex (cells too small to show); two patients with fine wrinkles.
      const acne = { indication: 'acne-scars', region: 'cheek', scale: 'goodman-baron-qualitative', baseline: 4 };
      for (let i = 0; i < 6; i++) await treated(page, { ...acne, name: `Acne Woman ${i}`, sex: 'female', change: i % 2 ? -2 : -1 });
      for (let i = 0; i < 2; i++) await treated(page, { ...acne, name: `Acne Man ${i}`, sex: 'male', change: -1 });
      await treated(page, { ...acne, name: 'Acne Other', sex: 'other', change: -1 });
      for (let i = 0; i < 2; i++) {
        await treated(page, { name: `Lines ${i}`, sex: 'female', indication: 'fine-wrinkles', region: 'forehead', scale: 'gais', baseline: 4, change: -1 });
      }
    }],

    ['the practitioner opens Outcomes: observational, not a trial, every cohort', async () => {
      await page.click('nav a:has-text("Outcomes")');
      await page.waitForSelector('#outcomes-cohorts');
      assert(/Observational, not a trial/.test(await page.textContent('.notice.observational')), 'the page says observational, not a trial');
      assert(/11 courses of 11 patients/.test(await page.textContent('#outcomes-totals')), await page.textContent('#outcomes-totals'));
    }],

    ['filters by indication and groups by sex: a chart, n beside the change, the small cells too few', async () => {
      await page.selectOption('#outcomes-indication', 'acne-scars');
      await page.check('input[name=by][value=sex]');
      await page.click('#outcomes-apply');
      await page.waitForFunction(() => location.hash.includes('indication=acne-scars') && location.hash.includes('by=indication,sex'));
      await page.waitForSelector('#outcomes-trajectories .series polyline');
      assert(/9 courses of 9 patients/.test(await page.textContent('#outcomes-totals')), await page.textContent('#outcomes-totals'));
      const rows = await page.$$eval('#outcomes-cohorts tbody tr', (trs) => trs.map((tr) => ({
        cohort: tr.querySelector('th')?.textContent ?? '', text: tr.textContent ?? '', withheld: tr.classList.contains('withheld') })));
      const women = rows.find((r) => /female/.test(r.cohort));
      assert(women && !women.withheld, `the women's cohort is shown: ${JSON.stringify(rows)}`);
      assert(/−1\.50 \(95% CI/.test(women.text) && /n = 6/.test(women.text), `the change with its interval and n: ${women.text}`);
      for (const sex of ['male', 'other']) {
        const row = rows.find((r) => new RegExp(`· ${sex}`).test(r.cohort));
        assert(row && row.withheld && /too few/.test(row.text) && !/n = /.test(row.text), `the ${sex} cell is withheld: ${JSON.stringify(row)}`);
      }
      assert(/too few to show/.test(await page.textContent('.withheld')), 'the chart names the withheld cohorts');
      assert((await page.$$('#outcomes-trajectories .series')).length === 1, 'one series: the cohort shown');
      assert(await page.isVisible('#outcomes-events'), 'adverse events by device are charted');
      assert(await page.isVisible('#outcomes-literature'), 'the literature section is there');
      await shot(page, 'outcomes-page');
      await page.evaluate(() => document.querySelector('.charts')?.scrollIntoView({ block: 'center' }));
      await shot(page, 'outcomes-viewport', { fullPage: false });
    }],

    ['the view is in the address: a reload shows the same filters and figures', async () => {
      const hash = await page.evaluate(() => location.hash);
      await page.goto(`${url}${hash}`);
      await page.reload();
      await page.waitForSelector('#outcomes-trajectories .series polyline');
      assert((await page.inputValue('#outcomes-indication')) === 'acne-scars', 'the indication filter is kept');
      assert(await page.isChecked('input[name=by][value=sex]'), 'grouping by sex is kept');
      assert(/9 courses/.test(await page.textContent('#outcomes-totals')), 'the same report');
    }],

    ['a minimum under three is refused with the server naming the field', async () => {
      await page.goto(`${url}#/outcomes?min_cell=2`);
      // The page raises the minimum to 3 itself; the server's own refusal is checked straight.
      const r = await page.evaluate(async () => (await fetch('/api/outcomes?min_cell=2')).json());
      assert(r.error?.field === '?min_cell', JSON.stringify(r));
      await page.waitForSelector('#outcomes-cohorts');
      assert((await page.inputValue('#outcomes-min-cell')) === '3', 'the page shows the minimum it used');
    }],

    ['axe finds nothing serious on the page', async () => {
      await page.goto(`${url}#/outcomes?by=indication,sex&indication=acne-scars`);
      await page.waitForSelector('#outcomes-trajectories');
      const violations = await axeSerious(page);
      assert(violations.length === 0, violations.join('\n'));
    }],

    ['on a phone (390 px) the charts are drawn at its width: labels of 10 px, none overlapping, no sideways scrolling', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${url}#/outcomes?by=indication,sex&indication=acne-scars`);
      await page.waitForSelector('#outcomes-trajectories .series polyline');
      await page.waitForSelector('#outcomes-events');
      // Drawn again once laid out at the phone's width.
      await page.waitForFunction(() => document.getElementById('outcomes-trajectories')?.viewBox.baseVal.width < 560, null, { timeout: 3000 }).catch(() => {});
      const charts = await chartText(page, '#outcomes-trajectories, #outcomes-events');
      assert(charts.length === 2, `both charts (${JSON.stringify(charts)})`);
      for (const c of charts) {
        assert(c.width <= 390 && c.smallestPx >= 10, `${c.id}: labels at least 10 px (${JSON.stringify(c)})`);
        assert(c.overlaps.length === 0, `${c.id}: no label over another (${c.overlaps.join('; ')})`);
      }
      const o = await horizontalOverflow(page);
      assert(o.over <= 0, `the page does not scroll sideways (${o.over} px: ${o.culprits.join(', ')})`);
      assert((await page.$$('#outcomes-trajectories .series')).length === 1, 'the series is drawn at that width too');
      await page.locator('.charts').scrollIntoViewIfNeeded();
      await shot(page, 'phone-outcomes-charts', { fullPage: false });
      const v = await axeSerious(page);
      assert(v.length === 0, v.join('\n'));
      await page.setViewportSize({ width: 1366, height: 900 });
      await page.waitForFunction(() => document.getElementById('outcomes-trajectories')?.viewBox.baseVal.width === 560);
    }],

    ['an assistant has no Outcomes link and is refused the page', async () => {
      await page.click('button:has-text("Log out")');
      await login(page, url, ACCOUNTS.assistant);
      assert(!(await page.isVisible('nav a:has-text("Outcomes")')), 'no Outcomes link');
      await page.goto(`${url}#/outcomes`);
      await page.waitForSelector('.error-panel');
      assert(/does not allow/.test(await page.textContent('.error-panel')), 'the 403 is explained');
    }],
  ], { page });
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
finish(result);
