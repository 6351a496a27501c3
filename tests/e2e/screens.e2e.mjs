// Every screen, as a practitioner and as an admin, against a real server with a seeded record:
// axe-core finds no serious or critical accessibility violation on any of them (desktop and
// phone); at a tablet in portrait (820 x 1180) and a phone (390 x 844) nothing overflows
// horizontally (a screenshot of each is saved as tablet-NAME.png and phone-NAME.png), the phone's
// top bar folds into a menu, and Save / Sign stay in reach; the live screening decision stays in
// view while the intake is typed on the tablet; unsaved changes mark the tab and ask before
// leaving (in-app navigation and closing the tab); the patient list and today show each
// patient's status.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACCOUNTS, api, assert, axeSerious, chartText, finish, horizontalOverflow, launchBrowser, login, newPage, repo, runSteps, seedConsent, seedPerformed, shot, startServer, utcDay } from './lib.mjs';

const FILE = 'screens';
const server = await startServer();
const browser = await launchBrowser();
let result = { passed: 0, failed: 1 };

const intake = JSON.parse(readFileSync(join(repo, 'examples/intake-acne-scars.json'), 'utf8'));
const eligibleIntake = { ...intake, birth_date: '1988-03-14', medications: [] };
const deferredIntake = { ...intake, medications: [{ code: 'isotretinoin', current: false, last_dose: utcDay(-30) }] };

try {
  const page = await newPage(browser);
  const url = server.url;
  const ids = {};
  const failures = [];

  // The screens: name, address (from the seeded ids), what shows it is ready, who may see it.
  const screens = () => [
    ['today', '#/', 'h1:has-text("Today")'],
    ['patients', '#/patients', '.patient-status'],
    ['new-patient', '#/patients/new', 'form[aria-label="New patient"]'],
    ['intake', `#/patients/${ids.sofia}/intake`, '#screening-result .screening'],
    ['consent', `#/patients/${ids.sofia}/consent`, '#consent-text ul.risks li'],
    ['plan', `#/patients/${ids.sofia}/plan`, '.plan-summary'],
    ['sessions', `#/patients/${ids.sofia}/sessions`, '#new-session'],
    ['session', `#/sessions/${ids.open}`, 'form.session-form .length-row'],
    ['session-signed', `#/sessions/${ids.signed}`, '#lock-banner'],
    ['outcomes', `#/patients/${ids.sofia}/outcomes`, '#outcome-scale'],
    ['account', '#/account', 'form'],
  ];
  const adminScreens = () => [
    ['admin-users', '#/admin', 'h2:has-text("Users")'],
    ['admin-audit', '#/admin/audit', '#audit-table tbody tr'],
    ['admin-audit-patient', `#/admin/audit/patient/${ids.sofia}`, `#audit-table[data-patient="${ids.sofia}"] tbody tr`],
    ['admin-backup', '#/admin/backup', '#backup'],
  ];
  const visit = async (hash, ready) => {
    await page.goto(url + hash);
    await page.waitForSelector(ready);
    // Debounced previews (screening, plan, simulation) settle before the check.
    await page.waitForLoadState('networkidle');
  };
  const axeAll = async (list, label) => {
    for (const [name, hash, ready] of list) {
      await visit(hash, ready);
      const v = await axeSerious(page);
      if (v.length) failures.push(`${label} ${name}:\n    ${v.join('\n    ')}`);
    }
  };

  result = await runSteps(FILE, [
    ['the login screen has no serious accessibility violation', async () => {
      await page.goto(url);
      await page.waitForSelector('#login-username');
      const v = await axeSerious(page);
      assert(v.length === 0, `login:\n    ${v.join('\n    ')}`);
    }],

    ['a record is seeded through the API', async () => {
      await login(page, url, ACCOUNTS.practitioner);
      const sofia = await api(page, 'POST', '/api/patients', { name: 'Sofia Screens', birth_date: '1988-03-14', sex: 'female' });
      ids.sofia = sofia.id;
      // Taken and given before the session of two weeks ago (the gate wants both by its date).
      await api(page, 'POST', `/api/patients/${sofia.id}/intakes`, { intake: eligibleIntake, areas: ['cheek', 'forehead'], date: utcDay(-21) });
      const plan = await api(page, 'POST', `/api/patients/${sofia.id}/plans`, { indication: 'acne-scars', areas: ['cheek', 'forehead'] });
      await seedConsent(page, sofia.id, { indication: 'acne-scars', by: 'Sofia Screens', day: utcDay(-21) });
      // A session records one device: the regions the plan treats with the first area's device.
      const device = plan.plan.areas[0].device.id;
      const lengths = plan.plan.areas.filter((a) => a.device.id === device)
        .map((a) => ({ region: a.region, needle_length_mm: a.device.length_mm }));
      const planned = await api(page, 'POST', `/api/patients/${sofia.id}/sessions`, {
        plan_id: plan.id, date: utcDay(-14), status: 'planned', device, lot_number: 'LOT-A11Y-1', passes: 4, needle_lengths: lengths,
      });
      const signed = await seedPerformed(page, planned.id);
      const s = await api(page, 'POST', `/api/sessions/${signed.id}/sign`, { row_version: signed.row_version });
      await api(page, 'POST', `/api/sessions/${s.id}/amendments`, { field: 'lot_number', new_value: 'LOT-A11Y-2', old_value: 'LOT-A11Y-1', reason: 'misread on the box' });
      ids.signed = s.id;
      const open = await api(page, 'POST', `/api/patients/${sofia.id}/sessions`, { plan_id: plan.id, date: utcDay(0), status: 'planned', device, needle_lengths: lengths });
      ids.open = open.id;
      for (const [days, score] of [[-30, 3], [0, 2]])
        await api(page, 'POST', `/api/patients/${sofia.id}/outcomes`, { scale: 'goodman-baron-qualitative', score, date: utcDay(days), region: 'cheek' });
      // A second patient, deferred, due in three days.
      const dario = await api(page, 'POST', '/api/patients', { name: 'Dario Deferred', birth_date: '1979-07-01', sex: 'male' });
      ids.dario = dario.id;
      await api(page, 'POST', `/api/patients/${dario.id}/intakes`, { intake: { ...deferredIntake, birth_date: '1979-07-01', sex: 'male', pregnant: undefined, breastfeeding: undefined } });
      await api(page, 'POST', `/api/patients/${dario.id}/sessions`, { date: utcDay(3), status: 'planned' });
    }],

    ['the patient list and today show each patient’s status', async () => {
      await visit('#/patients', '.patient-status');
      const status = (name) => page.$eval(`tr:has(a:text-is("${name}")) .patient-status`, (el) => ({
        screening: el.dataset.screening, consent: el.dataset.consent, text: el.textContent,
      }));
      const sofia = await status('Sofia Screens');
      assert(sofia.screening !== 'none' && sofia.screening !== 'defer' && sofia.consent === 'current', `Sofia: ${JSON.stringify(sofia)}`);
      const dario = await status('Dario Deferred');
      assert(dario.screening === 'defer' && /deferred until/.test(dario.text) && dario.consent === 'none', `Dario: ${JSON.stringify(dario)}`);
      await visit('#/', 'h1:has-text("Today")');
      assert(await page.isVisible('section[aria-labelledby=today-sessions] .patient-status[data-consent=current]'), 'today: the session’s patient has a current consent');
      assert(await page.isVisible('section[aria-labelledby=due] .patient-status[data-screening=defer]'), 'due: the deferred patient is marked');
      await shot(page, 'status-today');
    }],

    ['no serious accessibility violation on any screen (desktop)', async () => {
      failures.length = 0;
      await axeAll(screens(), 'desktop');
      assert(failures.length === 0, failures.join('\n  '));
    }],

    ['tablet in portrait: no overflow, Save and Sign in reach, screenshots', async () => {
      await page.setViewportSize({ width: 820, height: 1180 });
      const over = [];
      for (const [name, hash, ready] of screens()) {
        await visit(hash, ready);
        const o = await horizontalOverflow(page);
        if (o.over > 0) over.push(`${name}: ${o.over} px (${o.culprits.join(', ')})`);
        await shot(page, `tablet-${name}`, { fullPage: false });
      }
      assert(over.length === 0, `horizontal overflow at 820 px:\n    ${over.join('\n    ')}`);
      await visit(`#/sessions/${ids.open}`, 'form.session-form');
      for (const sel of ['#save-session', '#sign-session']) {
        const box = await page.locator(sel).boundingBox();
        assert(box && box.y >= 0 && box.y + box.height <= 1180, `${sel} is on screen without scrolling (${JSON.stringify(box)})`);
      }
    }],

    ['tablet: the live screening decision stays in view while typing the intake', async () => {
      await visit(`#/patients/${ids.sofia}/intake`, '#screening-result .screening');
      // The last field of the form: the allergies list, far below the first screenful.
      await page.click('fieldset[data-list=allergies] button:has-text("Add allergy")');
      const last = page.locator('select[data-field="allergies.0"]');
      await last.scrollIntoViewIfNeeded();
      await last.selectOption({ index: 1 });
      await page.waitForLoadState('networkidle');
      const d = await page.locator('#screening-result .screening').boundingBox();
      const f = await last.boundingBox();
      assert(f && f.y > 0 && f.y < 1180, 'the field is on screen');
      assert(d && d.y >= 0 && d.y < 1180 && d.height > 0, `the decision is on screen while typing (${JSON.stringify(d)})`);
      const save = await page.locator('#save-intake').boundingBox();
      assert(save && save.y + save.height <= 1180, 'Save intake in reach');
      await shot(page, 'tablet-intake-typing', { fullPage: false });
    }],

    ['unsaved changes: a marker on the tab, a prompt before leaving', async () => {
      // The allergy added above is not saved.
      assert((await page.title()).startsWith('●'), `the browser tab’s title is marked: ${await page.title()}`);
      assert(await page.isVisible('#tabbtn-intake.unsaved'), 'the intake tab is marked');
      assert(await page.isVisible('.sticky-actions .unsaved-flag'), 'the action bar says so');
      let asked = '';
      page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
      await page.click('#tabbtn-consent');
      await page.waitForTimeout(300);
      assert(/not saved/.test(asked), `in-app navigation asks first (${asked})`);
      assert(page.url().endsWith('/intake'), 'dismissing the prompt stays on the intake');
      assert(await page.isVisible('select[data-field="allergies.0"]'), 'with the typed value kept');
      // Closing or reloading the tab: the browser's own prompt (beforeunload).
      let unload = '';
      page.once('dialog', (d) => { unload = d.type(); void d.dismiss(); });
      await page.evaluate(() => { location.reload(); }).catch(() => {});
      await page.waitForTimeout(500);
      assert(unload === 'beforeunload', `reloading asks first (${unload || 'no dialog'})`);
      page.once('dialog', (d) => void d.accept());
      await page.click('#tabbtn-consent');
      await page.waitForSelector('#consent-text ul.risks li');
      assert(!(await page.title()).startsWith('●'), 'the marker goes with the changes');
    }],

    ['unsaved changes: a half-typed new patient and an unsaved score ask before they are lost', async () => {
      for (const [hash, ready, fill] of [
        ['#/patients/new', 'form[aria-label="New patient"]', () => page.fill('input[name=name]', 'Nadia Halfway')],
        [`#/patients/${ids.sofia}/outcomes`, '#outcome-scale', () => page.fill('#outcome-score', '2')],
      ]) {
        await visit(hash, ready);
        await fill();
        assert((await page.title()).startsWith('●'), `${hash}: the browser tab’s title is marked`);
        let asked = '';
        page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
        await page.click('nav[aria-label=Main] a:has-text("Today")');
        await page.waitForTimeout(300);
        assert(/not saved/.test(asked), `${hash}: leaving asks first (${asked || 'no dialog'})`);
        assert(page.url().endsWith(hash), `${hash}: dismissing stays (${page.url()})`);
        page.once('dialog', (d) => void d.accept());
        await page.click('nav[aria-label=Main] a:has-text("Today")');
        await page.waitForSelector('h1:has-text("Today")');
      }
      // Created: no prompt on the way to the new patient's intake.
      await visit('#/patients/new', 'form[aria-label="New patient"]');
      await page.fill('input[name=name]', 'Nadia Created');
      await page.fill('input[name=birth_date]', '1990-01-02');
      let asked = '';
      page.once('dialog', (d) => { asked = d.message(); void d.accept(); });
      await page.click('button:has-text("Create patient")');
      await page.waitForSelector('.patient-head h1:has-text("Nadia Created")');
      assert(asked === '', `no prompt once created (${asked})`);
    }],

    ['phone: the top bar folds into a menu, nothing overflows, screenshots', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      const over = [];
      for (const [name, hash, ready] of screens()) {
        await visit(hash, ready);
        const o = await horizontalOverflow(page);
        if (o.over > 0) over.push(`${name}: ${o.over} px (${o.culprits.join(', ')})`);
        // The tab strip scrolls sideways: the active tab is in view, and a faded edge says more lie that way.
        const strip = await page.evaluate(() => {
          const nav = document.querySelector('nav.tabs');
          const active = nav?.querySelector('a.active');
          if (!nav || !active) return null;
          const n = nav.getBoundingClientRect(), a = active.getBoundingClientRect();
          return { inView: a.left >= n.left && a.right <= n.right, scrolls: nav.scrollWidth > nav.clientWidth,
                   marked: nav.classList.contains('more-left') || nav.classList.contains('more-right') };
        });
        if (strip && !strip.inView) over.push(`${name}: the active tab is scrolled out of the tab strip`);
        if (strip && strip.scrolls && !strip.marked) over.push(`${name}: the tab strip scrolls but no edge says so`);
        await shot(page, `phone-${name}`, { fullPage: false });
      }
      assert(over.length === 0, `horizontal overflow at 390 px:\n    ${over.join('\n    ')}`);
      // The patient's score chart is drawn at the phone's width: its labels keep their size.
      await visit(`#/patients/${ids.sofia}/outcomes`, '.outcomes svg.chart');
      await page.waitForFunction(() => document.querySelector('.outcomes svg.chart')?.viewBox.baseVal.width < 560, null, { timeout: 3000 }).catch(() => {});
      for (const c of await chartText(page, '.outcomes svg.chart'))
        assert(c.smallestPx >= 10 && c.overlaps.length === 0, `the score chart is readable at 390 px (${JSON.stringify(c)})`);
      await page.locator('.outcomes svg.chart').scrollIntoViewIfNeeded();
      await shot(page, 'phone-outcomes-chart', { fullPage: false });
      await visit('#/', 'h1:has-text("Today")');
      assert(await page.isVisible('#menu-toggle'), 'the menu button shows');
      assert(!(await page.isVisible('nav[aria-label=Main] a:has-text("Patients")')), 'the navigation is folded away');
      await page.click('#menu-toggle');
      assert((await page.getAttribute('#menu-toggle', 'aria-expanded')) === 'true', 'the button says it is open');
      await page.waitForSelector('nav[aria-label=Main] a:has-text("Patients")', { state: 'visible' });
      await shot(page, 'phone-menu-open', { fullPage: false });
      const v = await axeSerious(page);
      assert(v.length === 0, `phone menu:\n    ${v.join('\n    ')}`);
      // Escape closes it and the focus goes back to its button; the button opens it again.
      await page.focus('nav[aria-label=Main] a:has-text("Patients")');
      await page.keyboard.press('Escape');
      assert((await page.getAttribute('#menu-toggle', 'aria-expanded')) === 'false', 'Escape closes the menu');
      assert(await page.evaluate(() => document.activeElement?.id === 'menu-toggle'), 'the focus is back on the menu button');
      await page.click('#menu-toggle');
      await page.waitForSelector('nav[aria-label=Main] a:has-text("Patients")', { state: 'visible' });
      await page.click('nav[aria-label=Main] a:has-text("Patients")');
      await page.waitForSelector('.patient-status');
      await visit(`#/sessions/${ids.open}`, 'form.session-form');
      const box = await page.locator('#save-session').boundingBox();
      assert(box && box.y + box.height <= 844, `Save in reach on the phone (${JSON.stringify(box)})`);
      // The plan on a phone: each region a card (every part in view), the aftercare as its list.
      await visit(`#/patients/${ids.sofia}/plan`, '.plan-summary');
      const plan = await page.evaluate(() => {
        const row = document.querySelector('table.areas tbody tr');
        const reach = row?.querySelector('td:nth-child(4)')?.getBoundingClientRect();
        return { rowHeight: row?.getBoundingClientRect().height ?? 0, reachInView: !!reach && reach.right <= innerWidth,
          listOpen: !!document.querySelector('#plan-aftercare details[open] #aftercare-list'),
          drawing: getComputedStyle(document.querySelector('#plan-aftercare .timeline')).display };
      });
      assert(plan.reachInView && plan.rowHeight < 260, `a region's card shows its reach (${JSON.stringify(plan)})`);
      assert(plan.listOpen && plan.drawing === 'none', `the aftercare is the open list, not the 5 px drawing (${JSON.stringify(plan)})`);
      await visit(`#/sessions/${ids.open}`, 'form.session-form');
      // The sign dialog's recap fits the phone (its consent version is one long word).
      await page.click('#sign-session');
      await page.waitForSelector('#sign-dialog[open] #sign-recap');
      const dialog = await page.evaluate(() => { const d = document.getElementById('sign-dialog'); return { scroll: d.scrollWidth, client: d.clientWidth }; });
      assert(dialog.scroll <= dialog.client, `the sign dialog fits 390 px (${dialog.scroll} > ${dialog.client})`);
      await shot(page, 'phone-sign-dialog', { fullPage: false });
      await page.click('#cancel-sign');
    }],

    ['no serious accessibility violation on any screen (phone)', async () => {
      failures.length = 0;
      await axeAll(screens(), 'phone');
      assert(failures.length === 0, failures.join('\n  '));
      await page.setViewportSize({ width: 1366, height: 900 });
    }],

    ['the admin screens: no serious violation, no overflow on a tablet', async () => {
      await page.click('button:has-text("Log out")');
      await login(page, url, ACCOUNTS.admin);
      failures.length = 0;
      await axeAll(adminScreens(), 'desktop');
      assert(failures.length === 0, failures.join('\n  '));
      await page.setViewportSize({ width: 820, height: 1180 });
      for (const [name, hash, ready] of adminScreens()) {
        await visit(hash, ready);
        const o = await horizontalOverflow(page);
        assert(o.over <= 0, `${name} overflows by ${o.over} px at 820 px (${o.culprits.join(', ')})`);
        await shot(page, `tablet-${name}`, { fullPage: false });
      }
      await page.setViewportSize({ width: 1366, height: 900 });
    }],

    ['phone: the sessions and the users are one card per row, nothing cut, nothing scrolling sideways; desktop keeps its tables', async () => {
      const tables = [[`#/patients/${ids.sofia}/sessions`, '#sessions-table', 'Device'], ['#/admin', '#users-table', 'Role'],
        [`#/patients/${ids.sofia}/plan`, '#saved-plans table', 'Regions']];
      const look = (sel, label) => page.$eval(sel, (t, label) => {
        const vw = document.documentElement.clientWidth;
        const cells = [...t.querySelectorAll(`td[data-label="${label}"]`)];
        const controls = [...t.querySelectorAll('tbody a, tbody button, tbody select')];
        return {
          display: getComputedStyle(t).display,
          headerShown: t.querySelector('thead').getBoundingClientRect().height > 2,
          scrolls: t.scrollWidth > t.clientWidth + 1,
          cells: cells.length,
          cut: cells.filter((c) => c.getBoundingClientRect().right > vw + 1 || c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
          offScreen: controls.filter((c) => { const r = c.getBoundingClientRect(); return r.width > 0 && (r.left < 0 || r.right > vw + 1); }).map((c) => c.textContent),
        };
      }, label);
      for (const [hash, sel, label] of tables) {
        await visit(hash, `${sel} tbody tr`);
        const desk = await look(sel, label);
        assert(desk.display === 'table' && desk.headerShown, `${sel} at 1366 px is a table with its header (${JSON.stringify(desk)})`);
      }
      await page.setViewportSize({ width: 390, height: 844 });
      for (const [hash, sel, label] of tables) {
        await visit(hash, `${sel} tbody tr`);
        const phone = await look(sel, label);
        assert(!phone.scrolls && phone.cells > 0 && phone.cut.length === 0, `${sel} at 390 px: no sideways scrolling, ${label} shown whole (${JSON.stringify(phone)})`);
        assert(phone.offScreen.length === 0, `${sel} at 390 px: every row control on screen (${phone.offScreen.join(', ')})`);
        // Reaching a row's control (Tab, or a tap) scrolls nothing sideways.
        const n = await page.locator(`${sel} tbody a, ${sel} tbody button:not([disabled]), ${sel} tbody select`).count();
        for (let i = 0; i < n; i++) {
          await page.locator(`${sel} tbody a, ${sel} tbody button:not([disabled]), ${sel} tbody select`).nth(i).focus();
          const moved = await page.$eval(sel, (t) => t.scrollLeft + window.scrollX + document.querySelector('main').scrollLeft);
          assert(moved === 0, `${sel}: focusing control ${i} scrolled sideways by ${moved} px`);
        }
        const v = await axeSerious(page);
        assert(v.length === 0, `${sel} at 390 px:\n    ${v.join('\n    ')}`);
        await shot(page, `phone-${sel.slice(1).replace(/\W+/g, '-')}`, { fullPage: true });
      }
      await page.setViewportSize({ width: 1366, height: 900 });
    }],
  ], { page });
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
finish(result);
