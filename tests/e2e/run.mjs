// Runs every tests/e2e/*.e2e.mjs (each starts its own server and browser) and prints the
// closing line "N passed, N failed" over all their steps. Exit code 1 if any step failed.
// Usage: node tests/e2e/run.mjs [name-filter]

import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { here } from './lib.mjs';

const filter = process.argv[2] ?? '';
const files = readdirSync(here).filter((f) => f.endsWith('.e2e.mjs') && f.includes(filter)).sort();
let passed = 0;
let failed = 0;
for (const file of files) {
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => { out += c; process.stdout.write(c); });
    child.on('exit', (c) => {
      const m = /(\d+) passed, (\d+) failed\s*$/.exec(out);
      if (m) { passed += Number(m[1]); failed += Number(m[2]); }
      else failed += 1; // crashed before reporting
      resolve(c);
    });
  });
  if (code !== 0) console.log(`# ${file} exited with ${code}`);
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
