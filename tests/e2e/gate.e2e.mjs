// The treatment gate in the browser against a real server: a session on an empty record shows
// every unmet condition and cannot be marked performed; each condition is then refused and
// satisfied in turn (screening contraindicated, deferred, a caution to acknowledge; the plan;
// the device, its lot, the lengths against the plan and the device; consent missing, stale, then
// recorded with a signature drawn with the pointer); the session is signed after a recap. A
// second patient, deferred, is treated on a practitioner's written override (an assistant's is
// refused), shown on the session for good; its lot is amended and shown as current. A caution
// ticked on the form that the screening stops reporting (a corrected intake) is removed and said.
// A plan that uses two devices is documented as one session per device.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACCOUNTS, api, apiCall, assert, checkEach, finish, launchBrowser, login, newPage, recordConsentOnScreen, repo, runSteps, seedConsent, shot,
  startServer, utcDay,
} from './lib.mjs';

const FILE = 'gate';
const server = await startServer();
const browser = await launchBrowser();
let result = { passed: 0, failed: 1 };

const example = JSON.parse(readFileSync(join(repo, 'examples/intake-acne-scars.json'), 'utf8'));
// The example without its medication: a caution remains (herpes simplex in the history).
const cautionIntake = { ...example, medications: [] };
const pregnantIntake = { ...cautionIntake, pregnant: true };
const deferredIntake = { ...cautionIntake, medications: [{ code: 'isotretinoin', current: false, last_dose: utcDay(-30) }] };

try {
  const page = await newPage(browser);
  // Reopening a session with changes on it: leave them (the prompt itself is tested in screens).
  page.on('dialog', (d) => void d.accept());
  const url = server.url;
  const ids = {};
  let cheekPlanned = 0;
  const conditions = () => page.$$eval('#gate-unmet li[data-condition]', (lis) => lis.map((li) => li.dataset.condition));
  /** Opens the session and waits for the gate's answer on it. */
  const openSession = async (id) => {
    await page.goto(`${url}#/sessions/${id}`);
    await page.reload();
    await page.waitForSelector('#gate-panel:not([hidden]) #gate-state');
  };
  const expectConditions = async (present, absent = []) => {
    const have = await conditions();
    for (const c of present) assert(have.includes(c), `the gate lists ${c} (${have.join(', ')})`);
    for (const c of absent) assert(!have.includes(c), `the gate no longer lists ${c} (${have.join(', ')})`);
  };
  const saveSession = async () => {
    await page.click('#save-session');
    await page.waitForFunction(() => /Saved|Not saved|Refused/.test(document.getElementById('session-message')?.textContent ?? ''));
    await page.waitForSelector('#gate-panel:not([hidden]) #gate-state');
  };

  result = await runSteps(FILE, [
    ['an empty record: every condition is listed, and marking performed is refused', async () => {
      await login(page, url, ACCOUNTS.practitioner);
      const gina = await api(page, 'POST', '/api/patients', { name: 'Gina Gate', birth_date: '1990-04-02', sex: 'female' });
      ids.gina = gina.id;
      ids.session = (await api(page, 'POST', `/api/patients/${gina.id}/sessions`, { date: utcDay(0), status: 'planned' })).id;
      await openSession(ids.session);
      await expectConditions(['intake_missing', 'plan_missing', 'consent_missing', 'device_missing', 'needle_lengths_missing']);
      assert((await page.getAttribute('#gate-panel', 'data-allowed')) === 'false', 'the panel says not allowed');
      await page.selectOption('select[data-field=status]', 'performed');
      await page.click('#save-session');
      await page.waitForSelector('#session-message:has-text("Not saved as performed")');
      const r = await apiCall(page, 'PUT', `/api/sessions/${ids.session}`, { date: utcDay(0), status: 'performed', row_version: 1 });
      assert(r.status === 409 && r.body.error.code === 'gate' && r.body.error.unmet.length >= 5, `the API refuses with the conditions: ${JSON.stringify(r.body)}`);
      await shot(page, 'gate-01-empty-record');
    }],

    ['screening: contraindicated, then deferred, then a caution acknowledged on the form', async () => {
      await api(page, 'POST', `/api/patients/${ids.gina}/intakes`, { intake: pregnantIntake });
      await openSession(ids.session);
      await expectConditions(['screening_contraindicated'], ['intake_missing']);
      assert((await page.getAttribute('#gate-panel .decision', 'data-decision')) === 'contraindicated', 'the screening on the session’s date is shown');
      await api(page, 'POST', `/api/patients/${ids.gina}/intakes`, { intake: deferredIntake });
      await openSession(ids.session);
      await expectConditions(['screening_deferred'], ['screening_contraindicated']);
      assert(/defer until/.test(await page.textContent('#gate-unmet li[data-condition=screening_deferred]')), 'the deferral names its date');
      await api(page, 'POST', `/api/patients/${ids.gina}/intakes`, { intake: cautionIntake });
      await openSession(ids.session);
      await expectConditions(['caution_unacknowledged'], ['screening_deferred']);
      await checkEach(page, '#gate-panel input[data-caution]');
      await expectConditions([], ['caution_unacknowledged']);
    }],

    ['the plan, the device, its lot and the lengths: each refused, then satisfied', async () => {
      const plan = await api(page, 'POST', `/api/patients/${ids.gina}/plans`, { indication: 'acne-scars', areas: ['cheek'] });
      cheekPlanned = plan.plan.areas.find((a) => a.region === 'cheek').device.length_mm;
      await openSession(ids.session);
      await expectConditions(['device_missing', 'needle_lengths_missing'], ['plan_missing']);
      // A region the plan does not treat, on a pen, without a lot.
      await page.selectOption('form.session-form select[data-field=device]', 'dermapen-4');
      await page.click('form.session-form [data-region=forehead] path.map-shape >> nth=0');
      await page.waitForSelector('select#len-forehead');
      await saveSession();
      await expectConditions(['lot_number_missing', 'region_not_in_plan'], ['device_missing', 'needle_lengths_missing']);
      await page.click('#gate-unmet li[data-condition=lot_number_missing] button');
      assert((await page.evaluate(() => document.activeElement?.id)) === 'lot-number', 'the condition leads to its field');
      // The cheek instead, longer than the plan allows there; and the lot.
      await page.click('form.session-form [data-region=forehead] path.map-shape >> nth=0');
      await page.click('form.session-form [data-region=cheek] path.map-shape >> nth=0');
      await page.waitForSelector('select#len-cheek');
      await page.selectOption('#len-cheek', '3');
      await page.fill('#lot-number', 'LOT-GATE-1');
      await saveSession();
      await expectConditions(['needle_length_above_plan'], ['region_not_in_plan', 'lot_number_missing']);
      await page.selectOption('#len-cheek', String(cheekPlanned));
      await saveSession();
      await expectConditions([], ['needle_length_above_plan']);
      // A length the device does not deliver (the API takes any number; a 1 mm roller has one length).
      const s = await api(page, 'GET', `/api/sessions/${ids.session}`);
      await api(page, 'PUT', `/api/sessions/${ids.session}`, { date: s.date, status: 'planned', row_version: s.row_version, device: 'dermaroller-192-1.0',
        lot_number: 'LOT-GATE-1', needle_lengths: [{ region: 'cheek', needle_length_mm: cheekPlanned === 1 ? 1.5 : cheekPlanned }] });
      await openSession(ids.session);
      await expectConditions(['needle_length_not_on_device']);
      await page.selectOption('form.session-form select[data-field=device]', 'dermapen-4');
      await page.waitForSelector('select#len-cheek');
      await page.selectOption('#len-cheek', String(cheekPlanned));
      await saveSession();
      await expectConditions([], ['needle_length_not_on_device']);
      await shot(page, 'gate-02-lengths');
    }],

    ['consent: missing, then stale, then recorded with a signature drawn with the pointer', async () => {
      await expectConditions(['consent_missing']);
      await seedConsent(page, ids.gina, { by: 'Gina Gate' });  // the general form, not the plan's
      await openSession(ids.session);
      await expectConditions(['consent_stale'], ['consent_missing']);
      await page.click('#gate-unmet li[data-condition=consent_stale] a');
      await page.waitForSelector('#consent-text .ack-list li');
      assert((await page.inputValue('#consent-indication')) === 'acne-scars', 'the consent form is the plan’s');
      await recordConsentOnScreen(page, { photoUse: 'teaching' });
      await page.waitForSelector('table.consents tbody tr:has-text("Teaching")');
      const signature = await page.getAttribute('table.consents tbody tr img.signature-thumb', 'src');
      const r = await page.evaluate(async (src) => { const x = await fetch(src); return { status: x.status, type: x.headers.get('content-type'), body: await x.text() }; }, signature);
      assert(r.status === 200 && r.type.startsWith('image/svg+xml') && /<path/.test(r.body), `the drawn signature is stored as SVG strokes (${r.status} ${r.type})`);
      await shot(page, 'gate-03-consent');
      await openSession(ids.session);
      await expectConditions([], ['consent_stale', 'consent_missing']);
    }],

    ['every condition met: signed after the recap, the passages kept', async () => {
      // A reason written while a caution was open is not sent once nothing is left to override
      // (the server refuses a reason with nothing to set aside rather than drop it).
      await page.click('#gate-panel details.gate-override summary');
      await page.fill('#override-reason', 'Written before the caution was acknowledged');
      await checkEach(page, '#gate-panel input[data-caution]');
      await page.waitForSelector('#gate-panel[data-allowed=true]');
      await page.click('#sign-session');
      await page.waitForSelector('#sign-dialog[open] #sign-recap');
      const recap = await page.textContent('#sign-recap');
      assert(/Gina Gate/.test(recap) && /LOT-GATE-1/.test(recap) && /Cheek/i.test(recap), `the recap names patient, lot and regions: ${recap}`);
      assert(/herpes/i.test(recap), 'the acknowledged caution is recapped');
      assert((await page.textContent('#confirm-sign')) === 'Sign', 'a plain signature, no override');
      await shot(page, 'gate-04-sign-recap', { fullPage: false });
      await page.click('#confirm-sign');
      await page.waitForSelector('#lock-banner');
      const s = await api(page, 'GET', `/api/sessions/${ids.session}`);
      assert(s.status === 'signed' && s.gate_passages.length === 2 && s.gate_passages.every((g) => !g.overridden), `two passages, none overridden: ${JSON.stringify(s.gate_passages)}`);
      assert(s.gate_override === null, 'no override');
    }],

    ['a deferred patient treated on a written override; an assistant may not override', async () => {
      const otto = await api(page, 'POST', '/api/patients', { name: 'Otto Override', birth_date: '1985-01-20', sex: 'male' });
      ids.otto = otto.id;
      await api(page, 'POST', `/api/patients/${otto.id}/intakes`, { intake: { ...deferredIntake, birth_date: '1985-01-20', sex: 'male', pregnant: undefined, breastfeeding: undefined, conditions: [] } });
      const plan = await api(page, 'POST', `/api/patients/${otto.id}/plans`, { indication: 'acne-scars', areas: ['cheek'] });
      await seedConsent(page, otto.id, { indication: 'acne-scars', by: 'Otto Override' });
      const area = plan.plan.areas[0];
      ids.ottoPlan = { id: plan.id, device: area.device.id, mm: area.device.length_mm };
      ids.ottoSession = (await api(page, 'POST', `/api/patients/${otto.id}/sessions`, { date: utcDay(0), status: 'planned', plan_id: plan.id,
        device: area.device.id, lot_number: 'LOT-OVR-1', needle_lengths: [{ region: 'cheek', needle_length_mm: area.device.length_mm }] })).id;
      await openSession(ids.ottoSession);
      await expectConditions(['screening_deferred']);
      // Without a reason the dialog will not sign.
      await page.click('#sign-session');
      await page.waitForSelector('#sign-dialog[open]');
      assert(await page.isDisabled('#confirm-sign'), 'no signature without the override’s reason');
      await page.click('#cancel-sign');
      // An assistant's override is refused.
      const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      const asst = await ctx.newPage();
      await login(asst, url, ACCOUNTS.assistant);
      const s = await api(asst, 'GET', `/api/sessions/${ids.ottoSession}`);
      const refused = await apiCall(asst, 'PUT', `/api/sessions/${ids.ottoSession}`, { date: s.date, status: 'performed', row_version: s.row_version,
        plan_id: s.plan_id, device: s.device, lot_number: s.lot_number, needle_lengths: s.needle_lengths, override_reason: 'the patient insists' });
      assert(refused.status === 403 && refused.body.error.field === '/override_reason', `an assistant's override: ${refused.status} ${JSON.stringify(refused.body)}`);
      await ctx.close();
      // The practitioner writes the reason and signs.
      await page.click('#gate-panel details.gate-override summary');
      await page.fill('#override-reason', 'Isotretinoin stopped early per dermatologist letter of today; low-depth session agreed');
      await page.click('#sign-session');
      await page.waitForSelector('#sign-dialog[open]');
      assert((await page.textContent('#confirm-sign')) === 'Override and sign', 'the button says it overrides');
      assert(/dermatologist letter/.test(await page.textContent('#sign-dialog')), 'the dialog repeats the reason');
      await shot(page, 'gate-05-override', { fullPage: false });
      await page.click('#confirm-sign');
      await page.waitForSelector('#lock-banner');
      assert(/dermatologist letter/.test(await page.textContent('#gate-override .override-reason')), 'the override and its reason are shown on the session');
      assert(await page.isVisible('#gate-override li[data-condition=screening_deferred]'), 'with what was overridden');
      const signed = await api(page, 'GET', `/api/sessions/${ids.ottoSession}`);
      assert(signed.gate_override?.reason && signed.gate_passages.some((g) => g.overridden), 'stored with the session');
    }],

    ['the amended lot is shown as current', async () => {
      await page.selectOption('#amend-field', 'lot_number');
      await page.fill('#amend-value', 'LOT-OVR-2');
      await page.fill('#amend-reason', 'Recall notice: lot read from the wrong box');
      await page.click('button:has-text("Add amendment")');
      await page.waitForSelector('#lot-current .current-value:text-is("LOT-OVR-2")');
      await page.click('#lot-current details.amended summary');
      assert((await page.textContent('#lot-current .original-value')) === 'LOT-OVR-1', 'the original one click away');
      await shot(page, 'gate-06-override-amended');
    }],

    ['overridden when marked performed, signed later: the page says so at once, and the signature keeps the reason', async () => {
      const { id: planId, device, mm } = ids.ottoPlan;
      const later = (await api(page, 'POST', `/api/patients/${ids.otto}/sessions`, { date: utcDay(0), status: 'planned', plan_id: planId,
        device, lot_number: 'LOT-OVR-3', needle_lengths: [{ region: 'cheek', needle_length_mm: mm }] })).id;
      await openSession(later);
      await expectConditions(['screening_deferred']);
      const reason = 'Dermatologist letter of today: isotretinoin stopped early, low-depth session agreed';
      await page.click('#gate-panel details.gate-override summary');
      await page.fill('#override-reason', reason);
      assert(await page.isHidden('#gate-stale'), 'writing the reason does not make the gate check stale');
      await page.selectOption('select[data-field=status]', 'performed');
      await saveSession();
      assert(/overridden/.test(await page.textContent('#session-message')), 'saved with the override');
      assert((await page.textContent('#session-status')) === 'performed', 'the head says performed without a reload');
      assert((await page.textContent('#gate-override .override-reason')) === reason, 'the override banner shows at once');
      await page.reload();
      await page.waitForSelector('#gate-panel[data-overridden=true] #gate-kept');
      assert((await page.textContent('#gate-kept')).includes(reason), 'after a reload the panel says the override holds');
      await page.click('#sign-session');
      await page.waitForSelector('#sign-dialog[open]');
      assert(!(await page.isDisabled('#confirm-sign')), 'signing does not ask for the reason again');
      assert((await page.textContent('#confirm-sign')) === 'Sign (gate overridden)', 'the button says the override holds');
      await shot(page, 'gate-07-sign-kept-override', { fullPage: false });
      await page.click('#confirm-sign');
      await page.waitForSelector('#lock-banner');
      const signed = await api(page, 'GET', `/api/sessions/${later}`);
      const step = signed.gate_passages.find((g) => g.step === 'signed');
      assert(signed.status === 'signed' && step?.overridden && step.override_reason === reason, `signed on the kept reason: ${JSON.stringify(signed.gate_passages)}`);
    }],

    ['a caution ticked on the form that the screening no longer reports: removed, said, not sent', async () => {
      const carla = await api(page, 'POST', '/api/patients', { name: 'Carla Caution', birth_date: '1990-04-02', sex: 'female' });
      await api(page, 'POST', `/api/patients/${carla.id}/intakes`, { intake: cautionIntake });
      const plan = await api(page, 'POST', `/api/patients/${carla.id}/plans`, { indication: 'acne-scars', areas: ['cheek'] });
      await seedConsent(page, carla.id, { indication: 'acne-scars', by: 'Carla Caution' });
      const area = plan.plan.areas[0];
      const planned = { date: utcDay(0), status: 'planned', plan_id: plan.id, device: area.device.id, lot_number: 'LOT-CAU-1',
        needle_lengths: [{ region: 'cheek', needle_length_mm: area.device.length_mm }] };
      const first = (await api(page, 'POST', `/api/patients/${carla.id}/sessions`, planned)).id;
      const second = (await api(page, 'POST', `/api/patients/${carla.id}/sessions`, planned)).id;
      const withoutHerpes = { ...cautionIntake, conditions: [] };
      const savedAs = () => page.waitForFunction(() => /Saved|Not saved|Refused/.test(document.getElementById('session-message')?.textContent ?? ''));

      // Ticked, then a corrected intake (no herpes history) is saved elsewhere: the next gate
      // check no longer reports the caution, and the form says it removed the tick.
      await openSession(first);
      await expectConditions(['caution_unacknowledged']);
      await checkEach(page, '#gate-panel input[data-caution]');
      await api(page, 'POST', `/api/patients/${carla.id}/intakes`, { intake: withoutHerpes });
      await saveSession();
      await page.waitForSelector('#gate-dropped:not([hidden])');
      assert(/no longer reports this caution/.test(await page.textContent('#gate-dropped')), 'the removed acknowledgement is said');
      assert((await page.$$('#gate-panel input[data-caution]')).length === 0, 'no caution left to tick');
      await shot(page, 'gate-08-caution-dropped');
      await page.selectOption('select[data-field=status]', 'performed');
      await saveSession();
      const message = await page.textContent('#session-message');
      assert(/Saved .*performed/.test(message), `saved as performed, not refused for the vanished caution: ${message}`);

      // The race: ticked and marked performed, and the intake changes before Save is pressed. The
      // server refuses the acknowledgement (400 at /acknowledged_cautions/0); the form removes it,
      // says so and saves without it.
      await api(page, 'POST', `/api/patients/${carla.id}/intakes`, { intake: cautionIntake });
      await openSession(second);
      await expectConditions(['caution_unacknowledged']);
      await checkEach(page, '#gate-panel input[data-caution]');
      await page.selectOption('select[data-field=status]', 'performed');
      await api(page, 'POST', `/api/patients/${carla.id}/intakes`, { intake: withoutHerpes });
      const answers = [];
      const onResponse = (r) => { if (r.request().method() === 'PUT') answers.push(r.status()); };
      page.on('response', onResponse);
      await page.click('#save-session');
      await savedAs();
      await page.waitForSelector('#gate-dropped:not([hidden])');
      page.off('response', onResponse);
      assert(JSON.stringify(answers) === '[400,200]', `refused once, then saved without it: ${answers.join(', ')}`);
      assert(/Saved .*performed/.test(await page.textContent('#session-message')), 'saved as performed');
      const s = await api(page, 'GET', `/api/sessions/${second}`);
      assert(s.status === 'performed' && s.acknowledged_cautions.length === 0, `performed, nothing acknowledged: ${JSON.stringify(s.acknowledged_cautions)}`);
    }],

    ['a plan that treats some regions with another device: one session per device, each passing the device check', async () => {
      const vera = await api(page, 'POST', '/api/patients', { name: 'Vera Devices', birth_date: '1990-04-02', sex: 'female' });
      await api(page, 'POST', `/api/patients/${vera.id}/intakes`, { intake: { ...cautionIntake, conditions: [] } });
      const plan = await api(page, 'POST', `/api/patients/${vera.id}/plans`, { indication: 'acne-scars', areas: ['cheek', 'forehead'] });
      const devices = [...new Set(plan.plan.areas.map((a) => a.device.id))];
      assert(devices.length === 2, `the plan uses two devices: ${JSON.stringify(plan.plan.areas.map((a) => [a.region, a.device]))}`);
      const forehead = plan.plan.areas.find((a) => a.region === 'forehead');
      await page.goto(`${url}#/patients/${vera.id}/sessions`);
      await page.waitForSelector('#session-device');
      assert(await page.isVisible('#session-device'), 'the form asks which device’s session to document');
      await page.selectOption('#session-device', forehead.device.id);
      await page.click('#new-session');
      await page.waitForSelector('#gate-panel:not([hidden]) #gate-state');
      assert((await page.inputValue('form.session-form select[data-field=device]')) === forehead.device.id, 'the session has that device');
      const rows = await page.$$eval('.length-row', (rs) => rs.map((r) => r.dataset.region));
      assert(JSON.stringify(rows) === '["forehead"]', `and only its regions: ${rows.join(', ')}`);
      await expectConditions([], ['needle_length_not_on_device', 'needle_length_above_plan']);
      // The plan's dates: one planned session per date and device.
      await page.goto(`${url}#/patients/${vera.id}/sessions`);
      await page.waitForSelector('#schedule-sessions');
      await page.click('#schedule-sessions');
      await page.waitForFunction((n) => document.querySelectorAll('.panel table.table tbody tr').length > n, 1);
      const sessions = (await api(page, 'GET', `/api/patients/${vera.id}`)).sessions.filter((x) => x.status === 'planned' && x.date !== utcDay(0));
      const byDate = new Map();
      for (const x of sessions) byDate.set(x.date, [...(byDate.get(x.date) ?? []), x.device].sort());
      assert(byDate.size > 0 && [...byDate.values()].every((d) => JSON.stringify(d) === JSON.stringify([...devices].sort())),
        `each date has one session per device: ${JSON.stringify([...byDate])}`);
    }],
  ], { page });
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
finish(result);
