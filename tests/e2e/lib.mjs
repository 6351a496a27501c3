// Shared machinery for the end-to-end tests: a real `dermaplan serve` on a temporary SQLite
// file and an ephemeral loopback port, Debian's Chromium driven by playwright-core, a tiny step
// runner that prints "ok"/"not ok" lines and a screenshot per step, and a cleanup that always
// stops the server and the browser.
//
// Environment:
//   DERMAPLAN_BIN   the built CLI (default: build/src/cli/dermaplan in the repository)
//   DERMAPLAN_WEB   the built web interface (default: web/dist)
//   CHROMIUM        the browser (default: /usr/bin/chromium)
//   E2E_SCREENSHOTS where screenshots go (default: tests/e2e/screenshots)
//   E2E_MOCK=1      develop against web/mock/server.mjs instead of the real server (never in CTest)

import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../..');
const requireFromWeb = createRequire(join(repo, 'web/package.json'));
const { chromium } = requireFromWeb('playwright-core');

export const BIN = process.env.DERMAPLAN_BIN ?? join(repo, 'build/src/cli/dermaplan');
export const WEB = process.env.DERMAPLAN_WEB ?? join(repo, 'web/dist');
export const SHOTS = process.env.E2E_SCREENSHOTS ?? join(here, 'screenshots');
export const MOCK = process.env.E2E_MOCK === '1';

export const ACCOUNTS = {
  admin: { username: 'admin', password: 'e2e-admin-password', role: 'admin', display: 'Dr. Admin Test' },
  practitioner: { username: 'dr.lee', password: 'e2e-practitioner-pw', role: 'practitioner', display: 'Dr. Mina Lee' },
  assistant: { username: 'sam', password: 'e2e-assistant-pw', role: 'assistant', display: 'Sam Assistant' },
};

/** Today in UTC as YYYY-MM-DD, shifted by `days`. */
export function utcDay(days = 0) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Starts the server on a fresh temporary database with the three accounts (and, with
 * demoPatients, that many patients from `dermaplan demo-data`; with policy, a clinic policy
 * file choosing positions where the sources disagree). Resolves with { url, stop() }; stop()
 * kills it and removes the temporary directory.
 */
export async function startServer({ demoPatients = 0, policy = '' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dermaplan-e2e-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let child;
  try {
    if (MOCK) {
      child = spawn(process.execPath, [join(repo, 'web/mock/server.mjs'), '--port', '0', '--web', WEB],
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DERMAPLAN_BIN: BIN } });
    } else {
      if (!existsSync(BIN)) throw new Error(`no dermaplan binary at ${BIN} (build it, or set DERMAPLAN_BIN)`);
      if (!existsSync(join(WEB, 'index.html'))) throw new Error(`no built web interface at ${WEB} (run npm --prefix web run build)`);
      const db = join(dir, 'dermaplan.db');
      for (const a of Object.values(ACCOUNTS)) {
        const r = spawnSync(BIN, ['user', 'add', a.username, '--role', a.role, '--display-name', a.display, '--password-stdin', '--db', db],
          { input: a.password + '\n', encoding: 'utf8', timeout: 60_000 });
        if (r.status !== 0) throw new Error(`dermaplan user add ${a.username} failed (${r.status}): ${r.stderr || r.stdout}`);
      }
      if (demoPatients) {
        const r = spawnSync(BIN, ['demo-data', '--patients', String(demoPatients), '--db', db], { encoding: 'utf8', timeout: 120_000 });
        if (r.status !== 0) throw new Error(`dermaplan demo-data failed (${r.status}): ${r.stderr || r.stdout}`);
      }
      child = spawn(BIN, [...(policy ? ['--policy', policy] : []), 'serve', '--db', db, '--port', '0', '--bind', '127.0.0.1', '--web', WEB, '--backup-dir', join(dir, 'backups')],
        { stdio: ['ignore', 'pipe', 'pipe'] });
    }
    const url = await new Promise((resolvePromise, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the server did not report its address within 30 s:\n${out}`)), 30_000);
      const onData = (chunk) => {
        out += chunk;
        const m = /https?:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m && Number(m[1]) > 0) {
          clearTimeout(timer);
          resolvePromise(`http://127.0.0.1:${m[1]}/`);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (c) => { out += c; });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}):\n${out}`)); });
    });
    child.removeAllListeners('exit');
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timeout = new Promise((r) => setTimeout(r, 5000, 'timeout'));
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      cleanup();
    };
    return { url, stop, dir };
  } catch (e) {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    cleanup();
    throw e;
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A page that records console errors and page errors (a test fails on them). */
export async function newPage(browser, { width = 1366, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The server's 4xx answers that a test provokes on purpose show up as resource errors.
    if (m.type() === 'error' && !/status of (400|401|403|409)/.test(m.text())) page.errors.push(`console: ${m.text()}`);
  });
  page.setDefaultTimeout(20_000);
  return page;
}

export async function login(page, url, account) {
  await page.goto(url);
  await page.fill('#login-username', account.username);
  await page.fill('#login-password', account.password);
  await page.click('form.login-card button[type=submit]');
  await page.waitForSelector('header.topbar');
}

export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  // Confirmation toasts would cover the content; they have been checked by then.
  await page.evaluate(() => document.getElementById('toast')?.replaceChildren());
  await page.screenshot({ path, fullPage });
  return path;
}

export function assert(condition, message) {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

/**
 * Runs named steps in order. A failing step marks the rest as failed too (they depend on it).
 * With a page, a last step checks that no console or page error happened on the way (the
 * refusals a test provokes, 4xx answers, are let through by newPage; with `errorsProvoked`, for a
 * test that breaks the network on purpose, only uncaught page errors count). Prints one line per step
 * and returns { passed, failed }.
 */
export async function runSteps(file, steps, { page, errorsProvoked = false } = {}) {
  let passed = 0;
  let failed = 0;
  let broken = null;
  const errorStep = errorsProvoked
    ? ['no page error on the way (console errors provoked)', async () => {
      const thrown = page.errors.filter((e) => e.startsWith('page error:'));
      assert(thrown.length === 0, thrown.join('\n'));
    }]
    : ['no console or page error on the way', async () => {
      assert(page.errors.length === 0, page.errors.join('\n'));
    }];
  const all = page ? [...steps, errorStep] : steps;
  for (const [name, fn] of all) {
    if (broken) {
      failed++;
      console.log(`not ok - ${file}: ${name} (not run: "${broken}" failed)`);
      continue;
    }
    const t0 = Date.now();
    try {
      await fn();
      passed++;
      console.log(`ok - ${file}: ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      broken = name;
      console.log(`not ok - ${file}: ${name}\n  ${String(e.stack ?? e).split('\n').slice(0, 6).join('\n  ')}`);
      if (page) {
        const path = await shot(page, `FAILED-${file}`).catch(() => null);
        if (path) console.log(`  screenshot: ${path}`);
        if (page.errors?.length) console.log(`  browser errors:\n    ${page.errors.join('\n    ')}`);
      }
    }
  }
  return { passed, failed };
}

/** The closing line the runner greps, and the exit code. */
export function finish({ passed, failed }) {
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

/**
 * One API call from the signed-in page (its cookies, the CSRF token of its session): resolves
 * with { status, body } (body parsed when JSON). For seeding records faster than through the forms.
 */
export async function apiCall(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const csrf = decodeURIComponent((document.cookie.split('; ').find((c) => c.startsWith('dermaplan_csrf=')) ?? '').split('=')[1] ?? '');
    const headers = { 'Content-Type': 'application/json' };
    if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    const text = await r.text();
    let parsed = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, body: parsed };
  }, { method, path, body });
}

/** apiCall that throws unless the status is one of `ok` (default 200 and 201). */
export async function api(page, method, path, body, ok = [200, 201, 204]) {
  const r = await apiCall(page, method, path, body);
  if (!ok.includes(r.status)) throw new Error(`${method} ${path} -> ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

let axeSource = null;
/**
 * Runs axe-core on the page and returns the serious and critical violations (and any empty
 * table header), each as
 * "rule (impact): help — selector, selector" lines. `exclude` lists selectors to leave out.
 */
export async function axeSerious(page, { exclude = [] } = {}) {
  if (!axeSource) {
    const { readFileSync } = await import('node:fs');
    axeSource = readFileSync(requireFromWeb.resolve('axe-core/axe.min.js'), 'utf8');
  }
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy (script-src
  // 'self') rightly refuses an inline script tag.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async (exclude) => {
    // Rules checked whatever axe's impact says (a header cell without a name is "minor" to axe).
    const ALWAYS = ['empty-table-header'];
    const r = await window.axe.run({ include: [document], exclude: exclude.map((s) => [s]) },
      { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || ALWAYS.includes(v.id))
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 6).map((n) => n.target.join(' ')).join(', ')}${v.nodes.length > 6 ? ` and ${v.nodes.length - 6} more` : ''}`);
  }, exclude);
  return violations;
}

/** Horizontal overflow of the page in px (0 when nothing sticks out), and the widest culprits. */
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    const over = doc.scrollWidth - doc.clientWidth;
    // What sticks out of the page itself (not what scrolls inside a clipping ancestor).
    const clipped = (e) => {
      for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true;
      return false;
    };
    const culprits = over <= 0 ? [] : [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 1 && getComputedStyle(e).position !== 'fixed' && !clipped(e))
      .reverse().slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')} (${Math.round(e.getBoundingClientRect().right)} px)`);
    return { over, culprits };
  });
}

/** Draws a signature on a canvas with the pointer (mouse down, moves, up: two strokes). */
export async function drawSignature(page, selector = '#signature-canvas') {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`no ${selector} to sign on`);
  const at = (fx, fy) => [box.x + box.width * fx, box.y + box.height * fy];
  const stroke = async (points) => {
    await page.mouse.move(...at(...points[0]));
    await page.mouse.down();
    for (const p of points.slice(1)) await page.mouse.move(...at(...p), { steps: 4 });
    await page.mouse.up();
  };
  await stroke([[0.1, 0.6], [0.2, 0.3], [0.3, 0.7], [0.4, 0.35], [0.5, 0.65], [0.6, 0.4]]);
  await stroke([[0.65, 0.55], [0.8, 0.5], [0.9, 0.45]]);
}

/**
 * Records a consent on the open patient's Consent tab as the patient would give it: every
 * statement and risk ticked one by one, the photo-use choice, the signature drawn with the pointer.
 */
export async function recordConsentOnScreen(page, { photoUse = 'record_only' } = {}) {
  await page.waitForSelector('#consent-text .ack-list li input[data-ack]');
  await checkEach(page, '#consent-text input[data-ack]');
  await page.check(`#photo-use-${photoUse}`);
  await drawSignature(page);
  await page.waitForSelector('#signature-status:has-text("Signed on screen")');
  await page.click('#record-consent');
}

/** A small SVG signature (shapes only), base64, for consents seeded through the API. */
export const SEEDED_SIGNATURE = {
  content_type: 'image/svg+xml',
  data_base64: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60" width="200" height="60">'
    + '<path d="M 10,40 C 40,5 60,55 90,20 C 120,0 150,50 190,25" stroke="#14202b" stroke-width="2" fill="none"/></svg>').toString('base64'),
};

/** Consent through the API with every item and risk acknowledged, as the gate wants it; given
 *  `day` (YYYY-MM-DD, default now): the gate wants it by the date of each session it covers. */
export async function seedConsent(page, patientId, { indication = '', by = 'the patient', photoUse = 'record_only', day = '' } = {}) {
  const form = await api(page, 'GET', `/api/consent-text${indication ? `?indication=${indication}` : ''}`);
  return api(page, 'POST', `/api/patients/${patientId}/consents`, {
    consented_by: by, consented_at: day ? `${day}T09:00:00Z` : new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), text_version: form.version,
    ...(indication ? { indication } : {}),
    acknowledged: [...(form.items ?? []), ...form.risks].map((x) => x.id), photo_use: photoUse, signature: SEEDED_SIGNATURE,
  });
}

/**
 * Marks a seeded session performed through the API, acknowledging the cautions the gate lists;
 * resolves with the session. `fields` are the session's (device, lot_number, needle_lengths...).
 */
export async function seedPerformed(page, sessionId, fields = {}) {
  const current = await api(page, 'GET', `/api/sessions/${sessionId}`);
  const base = { date: current.date, device: current.device, lot_number: current.lot_number, needle_lengths: current.needle_lengths, plan_id: current.plan_id || undefined };
  // Save the fields first so the gate judges them, then pass it with its cautions acknowledged.
  const saved = await api(page, 'PUT', `/api/sessions/${sessionId}`, { ...base, ...fields, status: 'planned', row_version: current.row_version });
  const gate = await api(page, 'GET', `/api/sessions/${sessionId}/gate`);
  return api(page, 'PUT', `/api/sessions/${sessionId}`, {
    ...base, ...fields, status: 'performed', row_version: saved.row_version, acknowledged_cautions: gate.cautions.map((c) => c.id),
  });
}

/** Ticks every checkbox that matches (found again after each tick: the panel may redraw). */
export async function checkEach(page, selector) {
  const n = await page.locator(selector).count();
  for (let i = 0; i < n; i++) await page.locator(selector).nth(i).check();
  return n;
}

/**
 * The text of the SVG charts matching `selector` as drawn: for each chart its shown width, the
 * smallest label in CSS px (font size times the drawing's scale) and the labels that overlap
 * another (their text). A chart made for a desktop and shrunk to a phone shows 6 px labels.
 */
export async function chartText(page, selector = 'svg.chart') {
  return page.$$eval(selector, (svgs) => svgs.map((svg) => {
    const scale = svg.getBoundingClientRect().width / (svg.viewBox.baseVal?.width || svg.getBoundingClientRect().width);
    const texts = [...svg.querySelectorAll('text')];
    const px = texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    const boxes = texts.map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
    const overlaps = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlaps.push(`${boxes[i].text} / ${boxes[j].text}`);
      }
    return { id: svg.id, width: Math.round(svg.getBoundingClientRect().width), smallestPx: Math.min(...px), overlaps };
  }));
}
