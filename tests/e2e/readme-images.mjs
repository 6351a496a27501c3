// Copies the end-to-end tests' screenshots that the README and docs/web.md show into docs/img
// (run the e2e tests first; E2E_SCREENSHOTS names their folder as for the tests).
// Usage: node tests/e2e/readme-images.mjs

import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { repo, SHOTS } from './lib.mjs';

const IMAGES = {
  '04-intake-defer.png': 'web-intake-defer.png',
  '07-plan-viewport.png': 'web-plan.png',
  '06-consent.png': 'web-consent.png',
  '09-session-document.png': 'web-session.png',
  'gate-04-sign-recap.png': 'web-sign-recap.png',
  'gate-05-override.png': 'web-gate-override.png',
  '11-session-signed.png': 'web-session-signed.png',
  '12-outcomes.png': 'web-outcomes.png',
  'outcomes-viewport.png': 'web-practice-outcomes.png',
  '15-audit.png': 'web-audit.png',
  'status-today.png': 'web-today.png',
  'tablet-intake-typing.png': 'web-tablet-intake.png',
  'phone-menu-open.png': 'web-phone-menu.png',
};

let missing = 0;
for (const [from, to] of Object.entries(IMAGES)) {
  const src = join(SHOTS, from);
  if (!existsSync(src)) { console.log(`missing ${src}`); missing++; continue; }
  copyFileSync(src, join(repo, 'docs/img', to));
  console.log(`docs/img/${to} <- ${from}`);
}
process.exitCode = missing ? 1 : 0;
