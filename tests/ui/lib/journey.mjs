// tests/ui/lib/journey.mjs - what the browser journeys (tests/ui/*.mjs)
// share: the packages pinned in tests/js, the count of passed and failed
// checks, axe-core on a page, screenshots, raw HTTP to the node, and the
// end of a run. (A subfolder: ui_test.sh runs every tests/ui/*.mjs.)
import { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';

const require = createRequire(new URL('../../js/package.json', import.meta.url));
export const { chromium } = require('playwright-core');
const { AxeBuilder } = require('@axe-core/playwright');

export const tally = { pass: 0, fail: 0 };
export const ok = (cond, what) => { if (cond) tally.pass++; else { tally.fail++; console.error('FAIL: ' + what); } };

// No serious or critical axe-core violation on the page as it is now.
export async function axe(page, name) {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  ok(bad.length === 0, `axe on ${name}: ${bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 2).map((n) => n.target).join(' ')}`).join('; ')}`);
}

// shot(page, name) writes DIR/name.png, the whole page.
export const shotter = (dir) => (page, name) => page.screenshot({ path: path.join(dir, name + '.png'), fullPage: true });
export const text = (page, sel) => page.$eval(sel, (e) => e.textContent);

// raw(method, path, headers, body[, port]): one request to 127.0.0.1 outside
// the browser; resolves to { status, headers, body }.
export function rawClient(port) {
  return (method, p, headers = {}, body, at = port) => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: at, method, path: p,
                               headers: { Host: `127.0.0.1:${at}`, ...headers } }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}
// The stable error code of a JSON error answer ('' for none).
export const code = (r) => { try { return JSON.parse(r.body).error.code; } catch { return ''; } };

// Runs the journeys, counts an exception as a failure, closes the browser,
// prints NAME's tally and exits 1 on any failure.
export async function finish(name, browser, journeys) {
  try {
    await journeys();
  } catch (e) {
    tally.fail++;
    console.error('FAIL: ' + (e.stack || e));
  } finally {
    await browser.close();
  }
  console.log(`${name}: ${tally.pass} passed, ${tally.fail} failed`);
  process.exit(tally.fail ? 1 : 0);
}
