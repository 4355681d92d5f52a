// scripts/screens.mjs URL OUT_DIR GID... - a screenshot of each person's home
// page (the first page of her menu) as the node serves it: `make demo` runs it
// when its output is not a terminal (scripts/demo.sh). The passphrase comes
// from CAREKEY_PASSPHRASE; clinicians and researchers see the report of
// DEMO_PATIENT. playwright-core from tests/js (scripts/bootstrap.sh
// --with-npm), Debian's headless Chromium (UI_CHROMIUM).
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(new URL('../tests/js/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [url, out, ...gids] = process.argv.slice(2);
const pass = process.env.CAREKEY_PASSPHRASE;
const patient = process.env.DEMO_PATIENT || '';

const browser = await chromium.launch({ executablePath: process.env.UI_CHROMIUM || '/usr/lib/chromium/chromium',
                                        args: ['--no-sandbox'] });
let failed = 0;

async function one(gid, i) {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await ctx.newPage();
  try {
    await page.goto(url + '/');
    await page.evaluate((p) => sessionStorage.setItem('ck-patient', p), patient);
    await page.fill('#gid', gid);
    await page.fill('#passphrase', pass);
    await page.click('button[type=submit]');
    await page.waitForURL('**/app.html', { timeout: 60000 });
    // drawn (a report: its blocks or its refusal), or nothing for this role yet
    await page.waitForFunction(() => {
      const v = document.getElementById('view'), s = document.getElementById('status');
      if (!v.dataset.view) return s.textContent !== '' && !/Loading/.test(s.textContent);
      return !document.querySelector('#report') || document.querySelector('#report .report-block, #report [role=alert]');
    }, null, { timeout: 60000 });
    const role = (await page.textContent('#who')).replace(/.*\((.*)\).*/, '$1');
    const file = path.join(out, `${String(i + 1).padStart(2, '0')}-${gid}-${role}.png`);
    await page.screenshot({ path: file });
    return `   ${gid.padEnd(8)} ${role.padEnd(11)} ${file}`;
  } catch (e) {
    failed = 1;
    return `   ${gid}: no screenshot: ${e.message.split('\n')[0]}`;
  } finally {
    await ctx.close();
  }
}

try {
  // three at a time: each login runs scrypt and each page decrypts on the node
  const lines = [];
  for (let k = 0; k < gids.length; k += 3)
    lines.push(...await Promise.all(gids.slice(k, k + 3).map((g, j) => one(g, k + j))));
  console.log(lines.join('\n'));
} finally {
  await browser.close();
}
process.exit(failed);
