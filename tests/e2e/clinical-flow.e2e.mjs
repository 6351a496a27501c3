// A patient from intake to a signed first session, in a real browser against a real server:
// the screening decision changes from eligible to defer as isotretinoin is added, a course is
// planned on the map, consent to it is recorded (each item and risk acknowledged, photo use, a
// signature drawn with the pointer), a session is documented, passes the treatment gate (its
// cautions acknowledged) and is signed after a confirmation that recaps it, an edit of the
// signed session is refused, an amendment is added, outcomes are recorded, and the admin sees
// it all in the audit log. Every step saves a screenshot.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { ACCOUNTS, api, assert, checkEach, finish, launchBrowser, login, newPage, recordConsentOnScreen, runSteps, SHOTS, shot, startServer, utcDay } from './lib.mjs';

const FILE = 'clinical-flow';

/** A small PNG (RGB) drawn by f(x, y) -> [r, g, b]; stands in for a clinical photo. */
function png(width, height, f) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(f(x, y), y * (width * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const skin = (spots) => (x, y) => {
  let r = 226 - y / 8, g = 188 - y / 10, b = 166 - y / 10;
  for (const [sx, sy, rad] of spots) if ((x - sx) ** 2 + (y - sy) ** 2 < rad * rad) { r -= 40; g -= 50; b -= 45; }
  return [Math.max(0, r), Math.max(0, g), Math.max(0, b)];
};

const server = await startServer();
const browser = await launchBrowser();
let result = { passed: 0, failed: 1 };
try {
  const page = await newPage(browser);
  const url = server.url;
  let patientUrl = '';
  let sessionUrl = '';
  const decision = () => page.getAttribute('#screening-result .screening', 'data-decision');
  const waitDecision = (d) => page.waitForSelector(`#screening-result .screening[data-decision="${d}"]`);

  result = await runSteps(FILE, [
    ['the practitioner logs in and sees today', async () => {
      await login(page, url, ACCOUNTS.practitioner);
      await page.waitForSelector('h1:has-text("Today")');
      assert(await page.isVisible('text=Sessions today'), 'the agenda shows today’s sessions');
      assert(!(await page.isVisible('nav a:has-text("Administration")')), 'no administration link for a practitioner');
      await shot(page, '01-today-empty');
    }],

    ['creates a patient', async () => {
      await page.click('a:has-text("New patient")');
      await page.fill('input[name=name]', 'Ana Example');
      await page.fill('input[name=birth_date]', '1990-04-02');
      await page.selectOption('select[name=sex]', 'female');
      await page.click('button:has-text("Create patient")');
      await page.waitForSelector('.patient-head h1:has-text("Ana Example")');
      patientUrl = page.url().replace(/\/intake$/, '');
      await page.waitForSelector('#screening-result .screening');
      await shot(page, '02-intake-not-asked');
    }],

    ['the intake turns eligible, then defer as isotretinoin is added', async () => {
      for (const k of ['pregnant', 'breastfeeding', 'sensitive_skin', 'dry_skin']) await page.selectOption(`select[data-field=${k}]`, 'no');
      await page.selectOption('select[data-field=fitzpatrick]', '3');
      for (const k of ['conditions', 'medications', 'procedures', 'allergies']) await page.check(`fieldset[data-list=${k}] .asked input`);
      await waitDecision('eligible');
      await shot(page, '03-intake-eligible');
      // Rows added and removed from the keyboard: the focus stays in the list, not at the top.
      const allergies = 'fieldset[data-list=allergies]';
      await page.click(`${allergies} button:has-text("Add allergy")`);
      await page.click(`${allergies} button:has-text("Add allergy")`);
      await page.focus(`${allergies} .row >> nth=0 >> button.remove`);
      await page.keyboard.press('Enter');
      assert(await page.evaluate((sel) => document.activeElement === document.querySelector(`${sel} .row button.remove`), allergies),
        'after a remove the focus is on the remove button of the row that took its place');
      await page.keyboard.press('Enter');
      assert(await page.evaluate(() => document.activeElement?.textContent === 'Add allergy'), 'with no row left, on the add button');
      await waitDecision('eligible');
      await page.click('fieldset[data-list=medications] button:has-text("Add medication")');
      await page.selectOption('select[data-field="medications.0.code"]', 'isotretinoin');
      await page.uncheck('input[data-field="medications.0.current"]');
      await page.fill('input[data-field="medications.0.last_dose"]', utcDay(-30));
      await waitDecision('defer');
      const finding = await page.textContent('#screening-result [data-finding=isotretinoin]');
      assert(/isotretinoin/i.test(finding) && /until/.test(finding), `the finding names isotretinoin and a date: ${finding}`);
      assert(await page.isVisible('#screening-result .earliest'), 'the earliest date is shown');
      assert(/Sources:/.test(finding), 'the finding lists its sources');
      await shot(page, '04-intake-defer');
    }],

    ['a date the server refuses is shown next to its field', async () => {
      await page.fill('input[data-field="medications.0.last_dose"]', utcDay(+3));
      await page.waitForSelector('[data-error-for="medications.0.last_dose"]:not(:empty)');
      const msg = await page.textContent('[data-error-for="medications.0.last_dose"]');
      assert(/after the screening date/.test(msg), `server message next to the field: ${msg}`);
      assert((await page.getAttribute('input[data-field="medications.0.last_dose"]', 'aria-invalid')) === 'true', 'the field is marked invalid');
      await page.fill('input[data-field="medications.0.last_dose"]', utcDay(-30));
      await waitDecision('defer');
    }],

    ['saves the deferred intake, then the corrected one as a new version', async () => {
      await page.click('#save-intake');
      await page.waitForSelector('.patient-head .decision-defer');
      // The patient finds the prescription: the last dose was eight months ago.
      await page.fill('input[data-field="medications.0.last_dose"]', utcDay(-240));
      await page.waitForFunction(() => document.querySelector('#screening-result .screening')?.getAttribute('data-decision') !== 'defer');
      assert(['eligible', 'caution'].includes(await decision()), 'no longer deferred');
      await page.click('#save-intake');
      await page.waitForSelector('.patient-head :text("intake v2")');
      await page.click('details.history summary');
      await shot(page, '05-intake-versions');
    }],

    ['opens the plan tab from the keyboard (arrows move, Enter opens, the focus stays on the tabs)', async () => {
      const tabindex = () => page.$$eval('[role=tablist] [role=tab]', (tabs) => tabs.map((t) => t.getAttribute('tabindex')).join(''));
      assert((await tabindex()) === '0-1-1-1-1', `only the active tab is in the Tab order (${await tabindex()})`);
      await page.focus('#tabbtn-intake');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert(await page.evaluate(() => document.activeElement?.id === 'tabbtn-plan'), 'two arrows right reach the plan tab');
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowRight');
      assert(await page.evaluate(() => document.activeElement?.id === 'tabbtn-intake'), 'End, then right, wraps to the first tab');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      assert(await page.evaluate(() => document.activeElement?.id === 'tabbtn-plan'), 'left wraps round to the plan tab');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#tabbtn-plan.active');
      await page.waitForFunction(() => document.activeElement?.id === 'tabbtn-plan');
      assert(page.url().endsWith('/plan'), `Enter opened the plan tab (${page.url()})`);
      assert((await tabindex()) === '-1-10-1-1', `the plan tab is now the one in the Tab order (${await tabindex()})`);
    }],

    ['plans a course on the face map, with the mouse and the keyboard', async () => {
      await page.selectOption('#plan-indication', 'acne-scars');
      await page.click('[data-region=cheek] path.map-shape >> nth=0');
      await page.focus('[data-region=forehead]');
      await page.keyboard.press('Space');
      assert((await page.getAttribute('[data-region=forehead]', 'aria-checked')) === 'true', 'Space selects a region');
      await page.waitForSelector('.plan-summary');
      await page.waitForFunction(() => document.querySelectorAll('table.areas tbody tr').length === 2);
      await page.waitForSelector('.sim-result');
      const reach = await page.textContent('table.areas tr[data-region=cheek] .reach');
      assert(reach.length > 0, 'the cheek shows its reach against the skin');
      assert(await page.isVisible('.timeline svg'), 'the schedule timeline is drawn');
      await page.click('#save-plan');
      await page.waitForSelector('#to-sessions');
      // The saved plan's documents, where the plan is: the handout is a PDF, the calendar iCalendar.
      for (const [which, type] of [['handout', 'application/pdf'], ['calendar', 'text/calendar; charset=utf-8']]) {
        const href = await page.getAttribute(`a[id^="plan-"][id$="-${which}"]`, 'href');
        const got = await page.evaluate(async (url) => { const r = await fetch(url); return `${r.status} ${r.headers.get('content-type')}`; }, href);
        assert(got === `200 ${type}`, `${which} link ${href}: ${got}`);
      }
      // The patient's calendar has the patient's tasks, not the practitioner's counselling
      // discussion (seed-000: between the doctor and the patient), which the plan keeps.
      const ics = (await page.evaluate(async (url) => (await fetch(url)).text(),
        await page.getAttribute('a[id^="plan-"][id$="-calendar"]', 'href'))).replace(/\r\n[ \t]/g, '');  // unfolded
      assert(ics.includes('BEGIN:VTODO'), 'the calendar lists the patient\'s preparation');
      assert(!ics.includes('-prep-counselling-') && !ics.includes('Counselling discussion'), 'no counselling task on the patient\'s calendar');
      await page.waitForSelector('.sim-result');
      // The simulation's density map is drawn from the engine's cells, with its caption and text.
      await page.waitForSelector('.sim-result figure.sim-heatmap svg.heatmap');
      const heat = await page.evaluate(() => {
        const svg = document.querySelector('.sim-result svg.heatmap');
        const cells = [...svg.querySelectorAll('.heat-cells rect')];
        const box = svg.getBoundingClientRect();
        const described = document.getElementById(svg.getAttribute('aria-describedby') ?? '');
        const title = document.getElementById(svg.getAttribute('aria-labelledby') ?? '');
        return {
          role: svg.getAttribute('role'), expected: Number(svg.dataset.cells), cells: cells.length,
          fills: new Set(cells.map((c) => c.getAttribute('fill'))).size,
          width: box.width, height: box.height, ticks: svg.querySelectorAll('.heat-axis text').length,
          caption: document.querySelector('.sim-heatmap .heat-caption')?.textContent ?? '',
          title: title?.textContent ?? '', description: described?.textContent ?? '',
        };
      });
      assert(heat.role === 'img', 'the map is an image to assistive technology');
      assert(heat.cells > 0 && heat.cells === heat.expected, `every cell is drawn (${heat.cells} of ${heat.expected})`);
      assert(heat.fills > 1, `the cells are coloured by density (${heat.fills} colours)`);
      assert(heat.width > 150 && heat.height > 150, `the map has a size (${heat.width} x ${heat.height})`);
      assert(heat.ticks >= 4, 'the axes are labelled in mm');
      assert(/ · \d+ pass(es)? .* pressure · /.test(heat.caption), `the caption names device, technique and region: ${heat.caption}`);
      assert(heat.title.includes(heat.caption) && /^Punctures per cm² on 1 mm² cells/.test(heat.description), 'title and text alternative');
      await page.locator('section.sim').scrollIntoViewIfNeeded();
      mkdirSync(SHOTS, { recursive: true });
      await page.locator('section.sim').screenshot({ path: join(SHOTS, '07-simulation.png') });
      // The cell values as a table, top row first as drawn.
      await page.click('.heat-values summary');
      await page.waitForSelector('.heat-table tbody tr');
      const rows = await page.$$eval('.heat-table tbody tr', (trs) => trs.map((tr) => tr.querySelectorAll('td').length));
      assert(rows.length > 0 && rows.length * rows[0] === heat.cells, `the table holds every cell (${rows.length} rows)`);
      await page.click('.heat-values summary');
      await shot(page, '07-plan');
      await page.evaluate(() => document.querySelector('.plan-summary')?.scrollIntoView({ block: 'start' }));
      await shot(page, '07-plan-viewport', { fullPage: false });
      await page.setViewportSize({ width: 1024, height: 768 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert(overflow <= 0, `nothing overflows at 1024 px (overflow ${overflow} px)`);
      await shot(page, '08-plan-1024');
      await page.setViewportSize({ width: 1366, height: 900 });
    }],

    ['records consent for the plan: each item and risk acknowledged, photo use, a signature drawn', async () => {
      await page.click('#tabbtn-consent');
      await page.waitForSelector('#consent-text .ack-list li');
      assert((await page.inputValue('#consent-indication')) === 'acne-scars', 'the indication comes from the latest plan');
      // Nothing ticked, no choice, no signature: the form says what is missing, nothing is sent.
      await page.click('#record-consent');
      for (const key of ['acknowledged', 'photo_use', 'signature'])
        assert((await page.textContent(`[data-error-for="${key}"]`)).length > 0, `the form asks for ${key}`);
      const risks = await page.$$eval('#consent-text ul.risks input[data-ack]', (els) => els.length);
      assert(risks > 0, 'every risk has its own acknowledgement');
      await recordConsentOnScreen(page);
      await page.waitForSelector('.patient-head .badge:has-text("consent recorded")');
      await page.waitForFunction(() => { const img = document.querySelector('table.consents img.signature-thumb'); return img && img.complete && img.naturalWidth > 0; });
      const row = await page.textContent('table.consents tbody tr');
      assert(/Record only/.test(row) && /current/.test(row), `the consent says photo use and current: ${row}`);
      // The consent as recorded, as a PDF, from its row.
      const pdfHref = await page.getAttribute('table.consents tbody tr a[id^="consent-"][id$="-pdf"]', 'href');
      const pdf = await page.evaluate(async (url) => { const r = await fetch(url); return `${r.status} ${r.headers.get('content-type')}`; }, pdfHref);
      assert(pdf === '200 application/pdf', `consent PDF link ${pdfHref}: ${pdf}`);
      await shot(page, '06-consent');
    }],

    ['documents a session and signs it', async () => {
      await page.click('#tabbtn-sessions');
      // The plan treats the forehead with another roller than the cheek: a session per device.
      await page.waitForSelector('#session-device');
      const forehead = await page.$$eval('#session-device option', (os) => os.find((o) => /Forehead/.test(o.textContent))?.value);
      assert(forehead && (await page.$$('#session-device option')).length === 2, 'the form offers the plan’s two devices');
      await page.selectOption('#session-device', forehead);
      await page.click('#new-session');
      await page.waitForSelector('form.session-form');
      sessionUrl = page.url();
      // A scanner types the lot and presses Enter: the form must not submit.
      await page.fill('#lot-number', 'LOT-2026-4711');
      await page.press('#lot-number', 'Enter');
      assert((await page.evaluate(() => document.activeElement?.id)) === 'passes', 'Enter in the lot field moves on');
      await page.fill('#passes', '4');
      await page.fill('#end-point', 'uniform pinpoint bleeding');
      await page.fill('#products', 'hyaluronic acid serum');
      // The plan's roller fixes the needle length; a pen offers its own settings.
      const roller = await page.inputValue('form.session-form select[data-field=device]');
      assert(/^dermaroller-/.test(roller), `the session starts with the plan's device (${roller})`);
      assert(await page.getAttribute('#len-forehead', 'readonly') !== null, 'a roller fixes the length');
      await page.selectOption('form.session-form select[data-field=device]', 'dermapen-4');
      await page.waitForSelector('select#len-forehead');
      const steps = await page.$$eval('select#len-forehead option', (os) => os.map((o) => o.value));
      assert(steps.length === 29 && steps[0] === '0.2' && steps.at(-1) === '3', `the pen's 0.1 mm steps from 0.2 to 3 mm (${steps.length})`);
      await page.selectOption('#len-forehead', '1.5');
      await page.waitForSelector('.length-row[data-region=forehead] .range-warn');
      await page.selectOption('#len-forehead', '0.5');
      await page.click('#save-session');
      await page.waitForSelector('#session-message:has-text("Saved")');
      // The treatment gate for the saved session: the screening's cautions to acknowledge.
      await page.waitForSelector('#gate-panel');
      await checkEach(page, '#gate-panel input[data-caution]');
      await page.waitForSelector('#gate-panel[data-allowed=true]');
      await shot(page, '09-session-document');
    }],

    ['an edit of the signed session is refused; an amendment is added', async () => {
      // A second tab with the same session open before it is signed.
      const other = await page.context().newPage();
      await other.goto(sessionUrl);
      await other.waitForSelector('form.session-form');
      await page.click('#sign-session');
      // The confirmation recaps what is signed.
      await page.waitForSelector('#sign-dialog[open] #sign-recap');
      const recap = await page.textContent('#sign-recap');
      assert(/Ana Example/.test(recap) && /LOT-2026-4711/.test(recap) && /Dermapen/i.test(recap) && /0\.5 mm/.test(recap), `the recap: ${recap}`);
      await shot(page, '09-sign-confirm', { fullPage: false });
      await page.click('#confirm-sign');
      await page.waitForSelector('#lock-banner');
      assert(await page.isVisible('#gate-passages'), 'the gate passages are kept with the session');
      assert((await page.$$('form.session-form')).length === 0, 'the signed session has no edit form');
      await other.fill('#notes', 'changed after signing');
      await other.click('#save-session');
      await other.waitForSelector('#session-message:has-text("Refused")');
      const refusal = await other.textContent('[data-error-for="form"]');
      assert(/signed/.test(refusal), `the server’s refusal is shown: ${refusal}`);
      await shot(other, '10-signed-edit-refused');
      await other.close();
      await page.selectOption('#amend-field', 'lot_number');
      await page.fill('#amend-value', 'LOT-2026-4712');
      await page.fill('#amend-reason', 'Lot number misread; checked against the packaging');
      await page.click('button:has-text("Add amendment")');
      await page.waitForSelector('td:has-text("LOT-2026-4712")');
      // The amended lot is the current one; the original and the reason are one click away.
      assert((await page.textContent('#lot-current .current-value')) === 'LOT-2026-4712', 'the amended lot is shown as current');
      assert(!(await page.isVisible('#lot-current .original-value')), 'the original is folded away');
      await page.click('#lot-current details.amended summary');
      assert((await page.textContent('#lot-current .original-value')) === 'LOT-2026-4711', 'the original lot one click away');
      assert(/misread/.test(await page.textContent('#lot-current .amend-reason')), 'with the reason');
      await shot(page, '11-session-signed');
    }],

    ['records scores and before/after photos', async () => {
      await page.goto(`${patientUrl}/outcomes`);
      await page.waitForSelector('#outcome-scale');
      // An empty score box is no score: refused on the form (on a 0-13 scale it was sent as 0).
      await page.selectOption('#outcome-scale', 'vancouver');
      await page.fill('#outcome-score', '');
      await page.click('button:has-text("Record score")');
      await page.waitForSelector('[data-error-for=score]:has-text("Enter the score")');
      const none = await api(page, 'GET', `/api/patients/${patientUrl.split('/').pop()}`);
      assert(none.outcomes.length === 0, `nothing recorded: ${JSON.stringify(none.outcomes)}`);
      const scores = [[utcDay(-60), '3'], [utcDay(-20), '3'], [utcDay(0), '2']];
      for (const [date, score] of scores) {
        await page.selectOption('#outcome-scale', 'goodman-baron-qualitative');
        await page.fill('#outcome-score', score);
        await page.fill('#outcome-date', date);
        await page.selectOption('#outcome-region', 'cheek');
        await page.click('button:has-text("Record score")');
        await page.waitForSelector(`.toast:has-text("Score recorded")`);
        await page.waitForSelector('#outcome-scale');
      }
      await page.waitForFunction(() => document.querySelectorAll('svg.chart circle').length === 3);
      const photos = [['before', utcDay(-60), [[60, 50, 9], [130, 80, 12], [90, 110, 8], [170, 40, 10]]], ['after', utcDay(0), [[60, 50, 5], [130, 80, 6], [90, 110, 4]]]];
      for (const [tag, date, spots] of photos) {
        await page.setInputFiles('#photo-file', { name: `${tag}.png`, mimeType: 'image/png', buffer: png(240, 180, skin(spots)) });
        await page.selectOption('#photo-region', 'cheek');
        await page.selectOption('#photo-tag', tag);
        await page.fill('#photo-date', date);
        await page.click('button:has-text("Add photo")');
        await page.waitForSelector('.toast:has-text("Photo added")');
        await page.waitForSelector('#photo-file');
        // The first photo alone is shown as itself, not "compared" with itself.
        if (tag === 'before') assert(await page.isVisible('.photo-compare.photo-single figure img'), 'one photo: shown alone');
      }
      await page.waitForFunction(() => [...document.querySelectorAll('.photo-compare img-comparison-slider img')].filter((i) => i.complete && i.naturalWidth > 0).length === 2);
      await page.check('.photo-compare input[value=overlay]');
      await page.waitForSelector('.photo-compare .cmp-overlay img.cmp-top');
      await shot(page, '12-outcomes');
    }],

    ['today lists the session', async () => {
      await page.click('nav a:has-text("Today")');
      await page.waitForSelector('h2:has-text("Sessions today (1)")');
      await shot(page, '13-today');
    }],

    ['the admin sees the audit entries', async () => {
      await page.click('button:has-text("Log out")');
      await page.waitForSelector('#login-username');
      await login(page, url, ACCOUNTS.admin);
      await page.click('nav a:has-text("Administration")');
      await page.waitForSelector('h2:has-text("Users")');
      await shot(page, '14-admin-users');
      await page.click('a[role=tab]:has-text("Audit log")');
      await page.waitForSelector('#audit-table tbody tr');
      // Newest first.
      const seqs = await page.$$eval('#audit-table tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.seq)));
      assert(seqs.length > 1 && seqs.every((s, i) => i === 0 || s < seqs[i - 1]), `newest first (${seqs.slice(0, 5).join(', ')}…)`);
      // One patient, found by name; every row concerns her, with her name and readable details.
      await page.fill('#audit-patient-search', 'Ana Ex');
      await page.waitForSelector('#audit-patient option:has-text("Ana Example")', { state: 'attached' });
      await page.selectOption('#audit-patient', { label: (await page.textContent('#audit-patient option:has-text("Ana Example")')).trim() });
      await page.selectOption('#audit-entity', 'session');
      const ana = await page.inputValue('#audit-patient');
      await page.waitForSelector(`#audit-table[data-patient="${ana}"][data-entity=session] .badge.action-sign`);
      const rows = await page.$$eval('#audit-table tbody tr', (trs) => trs.map((tr) => ({
        kind: tr.dataset.kind, action: tr.querySelector('.badge')?.className ?? '', who: tr.children[2].textContent,
        patient: tr.querySelector('.audit-patient')?.textContent ?? '', what: tr.querySelector('.audit-sentence')?.textContent ?? '',
      })));
      for (const a of ['create', 'update', 'sign', 'amend']) assert(rows.some((r) => r.action.includes(`action-${a}`)), `a session ${a} entry (${rows.map((r) => r.action).join(', ')})`);
      assert(rows.every((r) => r.patient.includes('Ana Example')), 'every row names the patient');
      assert(rows.some((r) => /Dr\. Mina Lee/.test(r.who)), `display names, not only usernames (${rows[0]?.who})`);
      assert(rows.some((r) => /^Signed session #\d+/.test(r.what)) && rows.some((r) => /^Amended session #\d+: lot number/.test(r.what)), 'readable details');
      assert(rows.every((r) => !r.what.startsWith('{')), 'no raw JSON as the detail');
      assert(rows.some((r) => r.kind === 'read') && rows.some((r) => r.kind === 'write'), 'reads and changes both listed');
      await shot(page, '15-audit');
      await page.selectOption('#audit-kind', 'write');
      await page.waitForSelector('#audit-table[data-kind=write]');
      assert(await page.$$eval('#audit-table tbody tr', (trs) => trs.length > 0 && trs.every((tr) => tr.dataset.kind === 'write')), 'changes only');
      await page.selectOption('#audit-kind', 'read');
      await page.waitForSelector('#audit-table[data-kind=read]');
      assert(await page.$$eval('#audit-table tbody tr', (trs) => trs.length > 0 && trs.every((tr) => tr.dataset.kind === 'read')), 'reads only');
      assert(await page.isVisible('#audit-table tbody tr .badge.kind-read'), 'reads carry their own badge');
    }],
  ], { page });
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
finish(result);
