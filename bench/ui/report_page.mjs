// bench/ui/report_page.mjs URL GID REPS NAME=PATIENT... - the professional
// report page in headless Chromium: for each patient, one untimed warm-up
// load, then REPS loads (reloads) of app.html#professional with the patient chosen;
// each load's time from navigation start to the 'ck-rendered' mark (the
// shell sets it once the view is drawn: every block of the report in the
// DOM) and its first contentful paint. Prints `bench NAME VALUE ms` lines.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tests/js/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [url, gid, repsArg, ...pairs] = process.argv.slice(2);
const reps = Number(repsArg) || 7;
const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const browser = await chromium.launch({ executablePath: process.env.UI_CHROMIUM, args: ['--no-sandbox'] });
let failed = 0;
try {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(url + '/');
  await page.fill('#gid', gid);
  await page.fill('#passphrase', process.env.UI_PASSPHRASE);
  await page.click('button[type=submit]');
  await page.waitForURL('**/app.html');
  await page.waitForSelector('#menu a');
  const load = async (patient) => {
    await page.evaluate((p) => sessionStorage.setItem('ck-patient', p), patient);
    // a full page load from the site itself (a reload, as F5 or a link in
    // the pages): from about:blank, Chromium would also start a renderer
    // process for the site (site isolation), which in-site navigation
    // does not pay (BENCH_UI_BLANK=1 measures that way)
    if (process.env.BENCH_UI_BLANK === '1' || !page.url().endsWith('/app.html#professional')) {
      await page.goto('about:blank');
      await page.goto(url + '/app.html#professional');
    } else {
      await page.reload();
    }
    await page.waitForSelector('#view[data-view="professional"] .report-block, #status.error, #report [role=alert]',
                               { timeout: 120000 });
    if (await page.$('#status.error, #report [role=alert]')) throw new Error(`${patient}: the report was refused`);
    return page.evaluate(() => ({
      rendered: performance.getEntriesByName('ck-rendered').at(-1)?.startTime,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      dcl: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd,
      api: (() => { const e = performance.getEntriesByType('resource').find((x) => x.name.includes('/ui/api/report/'));
                    return e ? [e.startTime, e.responseEnd] : [0, 0]; })(),
      blocks: document.querySelectorAll('.report-block').length,
      rows: document.querySelectorAll('.report-block tbody tr').length,
    }));
  };
  for (const pair of pairs) {
    const [name, patient] = pair.split('=');
    const cold = await load(patient);
    const r = [], f = [], d = [], a0 = [], a1 = [];
    let last = cold;
    for (let i = 0; i < reps; i++) {
      last = await load(patient);
      r.push(last.rendered);
      f.push(last.fcp);
      d.push(last.dcl);
      a0.push(last.api[0]);
      a1.push(last.api[1]);
    }
    console.log(`bench ui.report_page.${name} ${median(r).toFixed(1)} ms`);
    console.log(`bench ui.report_page_fcp.${name} ${median(f).toFixed(1)} ms`);
    console.log(`info ui.report_page.${name}: ${last.blocks} blocks, ${last.rows} table rows; cold ${cold.rendered.toFixed(1)} ms; ` +
                `warm [${r.map((x) => x.toFixed(0)).join(' ')}] ms; target <= 300 ms; medians: DOMContentLoaded ` +
                `${median(d).toFixed(0)} ms, report request sent ${median(a0).toFixed(0)} ms, answered ${median(a1).toFixed(0)} ms`);
  }
} catch (e) {
  failed = 1;
  console.error('bench/ui/report_page.mjs: ' + (e.stack || e));
} finally {
  await browser.close();
}
process.exit(failed);
