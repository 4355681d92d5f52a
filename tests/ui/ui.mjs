// tests/ui/ui.mjs - the node's pages in headless Chromium (playwright-core,
// Debian's chromium): journeys per role, the access matrix of the menus and
// the JSON API, security (cookie, CSRF, Origin, Host, CSP, no key or
// passphrase in any response), axe-core on every page, screenshots.
// Environment: UI_URL, UI_PASSPHRASE, UI_SHOTS, UI_CHROMIUM, UI_KEYHEX (a
// file of the people's key hex strings that must never appear).
import fs from 'node:fs';
import { chromium, ok, axe, finish, shotter, text, rawClient } from './lib/journey.mjs';

const URL0 = process.env.UI_URL;
const PASS = process.env.UI_PASSPHRASE;
const SHOTS = process.env.UI_SHOTS;
const port = Number(new URL(URL0).port);
const keyHex = (process.env.UI_KEYHEX && fs.existsSync(process.env.UI_KEYHEX)
  ? fs.readFileSync(process.env.UI_KEYHEX, 'utf8').split(/\s+/).filter((h) => h.length >= 64) : []);
const bodies = []; // every response the browser got: [url, text]

// the menu of each role: exactly these pages (docs/UI.md, the access matrix)
const ROLES = {
  'pt-1': { role: 'patient', menu: ['record', 'timeline', 'results', 'sharing', 'audit', 'download', 'import', 'publish'] },
  'fam-1': { role: 'family', menu: ['personal'] },
  'dr-a': { role: 'doctor', menu: ['professional', 'patients', 'care-forms', 'prescribe', 'break-glass'] },
  'res': { role: 'researcher', menu: ['research'] },
  'admin': { role: 'operator', menu: ['enrollments', 'authorities', 'directory'] },
};
// JSON views each role may not have (403 not_for_role)
const DENIED = {
  'admin': ['/ui/api/report/personal?patient=pt-1', '/ui/api/sharing?patient=pt-1', '/fhir/Patient/pt-1/$everything'],
  'fam-1': ['/ui/api/operator/pending', '/ui/api/report/professional?patient=pt-1', '/ui/api/report/research?patient=pt-1',
            '/ui/api/sharing?patient=pt-1', '/ui/api/audit?patient=pt-1', '/fhir/Patient/pt-1/$everything'],
  'dr-a': ['/ui/api/operator/authorities', '/ui/api/report/research?patient=pt-1', '/ui/api/sharing?patient=pt-1', '/ui/api/audit?patient=pt-1'],
  'res': ['/ui/api/report/personal?patient=pt-1', '/ui/api/report/professional?patient=pt-1',
          '/fhir/Patient/pt-1/$everything', '/ui/api/audit?patient=pt-1'],
};

const raw = rawClient(port);
const shot = shotter(SHOTS);

async function settle(page) {
  await page.waitForFunction(() => {
    const s = document.getElementById('status');
    return s && s.textContent !== 'Loading…' && !document.querySelector('#report .status:not(.error)');
  }, null, { timeout: 30000 });
}

async function login(browser, gid) {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await ctx.newPage();
  page.on('response', async (res) => {
    try {
      const t = res.headers()['content-type'] || '';
      if (/json|html|javascript|css|text/.test(t)) bodies.push([res.url(), await res.text()]);
    } catch { /* a body not kept (redirects, downloads) */ }
  });
  await page.goto(URL0 + '/');
  await axe(page, 'login');
  if (gid === 'pt-1') await shot(page, 'login');
  await page.fill('#gid', gid);
  await page.fill('#passphrase', PASS);
  await page.click('button[type=submit]');
  await page.waitForURL('**/app.html');
  await page.waitForSelector('#menu a');
  return { ctx, page };
}

async function journey(browser, gid) {
  const want = ROLES[gid];
  const { ctx, page } = await login(browser, gid);
  const ids = await page.$$eval('#menu a', (as) => as.map((a) => a.id.replace('menu-', '')));
  ok(JSON.stringify(ids) === JSON.stringify(want.menu), `${gid}: menu ${ids} (want ${want.menu})`);
  ok((await page.textContent('#who')).includes(`(${want.role})`), `${gid}: role ${want.role} shown`);
  const cookies = await ctx.cookies();
  const c = cookies.find((k) => k.name === 'ck_session');
  ok(c && c.httpOnly && c.sameSite === 'Strict' && c.path === '/', `${gid}: session cookie HttpOnly, SameSite=Strict, Path=/`);
  ok(!(await page.evaluate(() => document.cookie)).includes('ck_session'), `${gid}: the cookie is not readable by scripts`);
  // the start page renders the first menu entry by itself: let it finish, or
  // it could mark the view rendered just after the loop's click cleared it
  if (want.menu.length) await page.waitForSelector('#view[data-view], #status.error', { timeout: 60000 });
  for (const id of want.menu) {
    const t0 = Date.now();
    // through the menu, as a person would (the shell keeps what it read)
    await page.evaluate(() => { delete document.getElementById('view').dataset.view; });
    await page.click('#menu-' + id);
    await page.waitForSelector(`#view[data-view="${id}"], #status.error`, { timeout: 60000 });
    if (await page.isVisible('#patient-form')) { // clinicians and researchers choose the record
      await page.fill('#patient', 'pt-1');
      await page.click('#patient-form button[type=submit]');
      await page.waitForSelector('#report .report-block, #report [role=alert]', { timeout: 60000 });
    }
    const err = await page.$eval('#status', (s) => (s.classList.contains('error') ? s.textContent : ''));
    ok(!err, `${gid} ${id}: ${err}`);
    const alert = await page.$('#report [role=alert]');
    ok(!alert, `${gid} ${id}: ${alert ? await alert.textContent() : ''}`);
    await checks[`${want.role}:${id}`]?.(page);
    await axe(page, `${gid} ${id}`);
    await shot(page, `${want.role}-${id}`);
    console.log(`# ${gid} ${id}: ${Date.now() - t0} ms`);
  }
  for (const p of DENIED[gid] || []) {
    const st = await page.evaluate(async (u) => (await fetch(u)).status, p);
    ok(st === 403, `${gid}: ${p} -> ${st}, want 403`);
  }
  // a phone-sized view of the first page
  await page.setViewportSize({ width: 390, height: 800 });
  await page.goto(URL0 + '/app.html#' + want.menu[0]);
  await settle(page);
  await shot(page, `${want.role}-phone`);
  return { ctx, page };
}

const checks = {
  // the request ui_test.sh left in the queue (nurse-q) is approved from the page
  'operator:enrollments': async (page) => {
    ok(await page.isVisible('#pending tr[data-gid="nurse-q"]'), 'operator: nurse-q waits in the queue');
    await page.click('button[aria-label="Approve nurse-q"]');
    await page.waitForFunction(() => /nurse-q approved/.test(document.getElementById('status').textContent), null,
      { timeout: 30000 });
    const r = await page.evaluate(async () => {
      const q = await (await fetch('/ui/api/operator/pending')).json();
      const me = await (await fetch('/ui/api/me')).json();
      const bad = await fetch('/ui/api/operator/decide', { method: 'POST', body: '{"gid":"nurse-q"}',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf } });
      const noCsrf = await fetch('/ui/api/operator/decide', { method: 'POST', body: '{"gid":"nurse-q","approve":true}',
        headers: { 'Content-Type': 'application/json' } });
      return { left: q.pending.map((p) => p.gid), bad: bad.status, noCsrf: noCsrf.status };
    });
    ok(!r.left.includes('nurse-q'), `operator: nurse-q left the queue (${r.left})`);
    ok(r.bad === 400 && r.noCsrf === 403, `operator: a malformed decision -> ${r.bad}, no CSRF token -> ${r.noCsrf}`);
  },
  'operator:authorities': async (page) => {
    const rows = await page.$$('#view table tbody tr');
    const warn = await page.$$eval('#view .badge.warn', (b) => b.map((x) => x.textContent));
    // the directory's organizations (here the medical board added above), each checked
    const text = await page.textContent('#view');
    ok(rows.length >= 1 && text.includes('medical-board') && warn.length === 0,
      `operator: ${rows.length} authorities, not verified: ${warn}`);
  },
  'operator:directory': async (page) =>
    ok((await page.textContent('#view')).includes('hosp-a'), 'operator: the directory lists hosp-a'),
  'patient:record': async (page) => {
    const h = await page.$$eval('#view h2', (hs) => hs.map((h) => h.textContent));
    ok(h.some((t) => /^Allergies \(\d+\)/.test(t)) && h.some((t) => /^Results \([1-9]/.test(t)), `record sections: ${h}`);
  },
  'patient:timeline': async (page) => ok((await page.$$('.timeline li')).length > 10, 'timeline has events'),
  'patient:results': async (page) => {
    ok((await page.$('#view canvas')) !== null, 'results: a trend chart');
    ok((await page.$$('#view tbody tr')).length >= 2, 'results: its values as a table');
  },
  'patient:sharing': async (page) => {
    const g = await text(page, '#grants-plain');
    ok(/hosp-a can write to every section/.test(g), `sharing in plain words names hosp-a: ${g.slice(0, 300)}`);
    const rules = await text(page, '#view table');
    ok(/Allergies/.test(rules) && /\byou\b/.test(rules) && /doctors/.test(rules) && !/@/.test(rules),
       `sharing rules in plain words: ${rules.slice(0, 400)}`);
  },
  'patient:audit': async (page) => {
    ok((await page.$$('#view tbody tr')).length > 0, 'audit: events listed');
    ok(/events, newest first/.test(await text(page, '#audit-summary')), 'audit: summary');
    const btg = await page.$$eval('#view tr.break-glass', (rs) => rs.map((r) => r.textContent));
    ok(btg.length > 0 && btg.every((t) => /Break-glass/.test(t) && /emergency/.test(t)),
       `audit: the break-glass read highlighted (${btg.length} rows)`);
    ok(/break-glass\) access/.test(await text(page, '#audit-summary')), 'audit: the summary counts break-glass');
  },
  'patient:download': async (page) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download-bundle')]);
    const file = await dl.path();
    const b = JSON.parse(fs.readFileSync(file, 'utf8'));
    ok(b.resourceType === 'Bundle' && b.entry.length > 10, 'download: a FHIR Bundle');
  },
  'family:personal': async (page) => {
    const blocks = await page.$$eval('.report-block', (bs) => bs.map((b) => b.dataset.block));
    ok(blocks.includes('allergies') && blocks.includes('medications') && !blocks.includes('results'),
       `personal report blocks: ${blocks}`);
  },
  'doctor:professional': async (page) => {
    const blocks = await page.$$eval('.report-block', (bs) => bs.map((b) => b.dataset.block));
    ok(blocks.includes('problems') && blocks.includes('results'), `professional report blocks: ${blocks}`);
    ok((await page.$('.report-block canvas')) !== null, 'professional report: a trend chart');
  },
  'researcher:research': async (page) => {
    ok(/de-identified copy/.test(await text(page, '#report')), 'research: the published copy');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    const csv = fs.readFileSync(await dl.path(), 'utf8');
    ok(csv.startsWith('block,row,column,value') && csv.split('\n').length > 5, 'research: CSV download');
    ok(!/Rudolf|Weber/.test(csv) && !/Rudolf|Weber/.test(await text(page, '#report')), 'research: no name of the patient');
  },
};

async function security(patient) {
  // without the cookie, with a wrong CSRF token, a foreign Origin or Host
  let r = await raw('GET', '/ui/api/me');
  ok(r.status === 401 && JSON.parse(r.body).error.code === 'no_session', `no cookie -> ${r.status}`);
  r = await raw('GET', '/fhir/Patient/pt-1/$everything');
  ok(r.status === 401, `FHIR without cookie -> ${r.status}`);
  const cookies = await patient.ctx.cookies();
  const cookie = 'ck_session=' + cookies.find((k) => k.name === 'ck_session').value;
  const me = JSON.parse((await raw('GET', '/ui/api/me', { Cookie: cookie })).body);
  ok(me.gid === 'pt-1' && /^[0-9a-f]{64}$/.test(me.csrf), 'me: gid and csrf');
  const origin = `http://127.0.0.1:${port}`;
  r = await raw('POST', '/fhir/Observation', { Cookie: cookie, Origin: origin, 'X-CSRF-Token': '0'.repeat(64),
                                              'Content-Type': 'application/fhir+json' }, '{}');
  ok(r.status === 403 && JSON.parse(r.body).error.code === 'bad_csrf', `wrong CSRF -> ${r.status}`);
  r = await raw('POST', '/ui/api/logout', { Cookie: cookie, Origin: origin });
  ok(r.status === 403, `no CSRF -> ${r.status}`);
  r = await raw('POST', '/ui/api/logout', { Cookie: cookie, Origin: 'http://evil.example', 'X-CSRF-Token': me.csrf });
  ok(r.status === 403 && JSON.parse(r.body).error.code === 'bad_origin', `foreign Origin -> ${r.status}`);
  r = await raw('POST', '/ui/api/logout', { Cookie: cookie, 'X-CSRF-Token': me.csrf });
  ok(r.status === 403 && JSON.parse(r.body).error.code === 'origin_required', `no Origin on a change -> ${r.status}`);
  r = await raw('GET', '/ui/api/me', { Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' });
  ok(r.status === 403, `cross-site fetch -> ${r.status}`);
  r = await raw('GET', '/ui/api/me', { Cookie: cookie, Host: `evil.example:${port}` });
  ok(r.status === 421, `foreign Host (DNS rebinding) -> ${r.status}`);
  r = await raw('GET', '/', { Host: `evil.example:${port}` });
  ok(r.status === 421, `foreign Host on a page -> ${r.status}`);
  // headers
  r = await raw('GET', '/');
  const csp = r.headers['content-security-policy'] || '';
  ok(r.status === 200 && /default-src 'self'/.test(csp) && /frame-ancestors 'none'/.test(csp) &&
     !/unsafe-inline|unsafe-eval/.test(csp), `CSP: ${csp}`);
  ok(r.headers['x-content-type-options'] === 'nosniff', 'nosniff');
  ok(!/<script>|\sstyle=|<style/.test(r.body), 'no inline script or style in the login page');
  r = await raw('GET', '/vendor/chart.min.js');
  ok(r.status === 200 && /javascript/.test(r.headers['content-type']), `Chart.js at /vendor/chart.min.js -> ${r.status}`);
  // static files: traversal, hidden files, unknown types
  for (const p of ['/../etc/passwd', '/js/../../etc/passwd', '/%2e%2e/etc/passwd', '/js/.hidden', '/web', '//etc/passwd']) {
    r = await raw('GET', p);
    ok(r.status === 404, `${p} -> ${r.status}`);
  }
  // login: a wrong passphrase, a GID that is a path, a bad body
  const login = (b) => raw('POST', '/ui/api/login', { Origin: origin, 'Content-Type': 'application/json' }, b);
  r = await login(JSON.stringify({ gid: 'pt-1', passphrase: 'wrong' }));
  ok(r.status === 401 && JSON.parse(r.body).error.code === 'login_failed', `wrong passphrase -> ${r.status}`);
  r = await login(JSON.stringify({ gid: 'nobody', passphrase: PASS }));
  ok(r.status === 401 && JSON.parse(r.body).error.code === 'login_failed', `unknown person -> ${r.status}`);
  r = await login(JSON.stringify({ gid: '../home/pt-1', passphrase: PASS }));
  ok(r.status === 400 && JSON.parse(r.body).error.code === 'bad_login', `a path as GID -> ${r.status}`);
  r = await login('{"gid":');
  ok(r.status === 400, `bad login body -> ${r.status}`);
  // guessing: five failures in a row pause that GID, even with the right passphrase
  for (let i = 0; i < 5; i++) await login(JSON.stringify({ gid: 'res', passphrase: 'guess ' + i }));
  r = await login(JSON.stringify({ gid: 'res', passphrase: PASS }));
  ok(r.status === 429 && JSON.parse(r.body).error.code === 'too_many_attempts', `after 5 wrong passphrases -> ${r.status}`);
  // login and logout over the API; the old cookie is dead after logout
  r = await login(JSON.stringify({ gid: 'fam-1', passphrase: PASS }));
  ok(r.status === 200 && !r.body.includes(PASS), 'login reply has no passphrase');
  const sc = String(r.headers['set-cookie']);
  ok(/HttpOnly/.test(sc) && /SameSite=Strict/.test(sc) && /Path=\//.test(sc), `Set-Cookie: ${sc.replace(/=[0-9a-f]{64}/, '=…')}`);
  const c2 = sc.split(';')[0], csrf2 = JSON.parse(r.body).csrf;
  r = await raw('POST', '/ui/api/logout', { Cookie: c2, Origin: origin, 'X-CSRF-Token': csrf2 });
  ok(r.status === 200, `logout -> ${r.status}`);
  r = await raw('GET', '/ui/api/me', { Cookie: c2 });
  ok(r.status === 401, `after logout -> ${r.status}`);
  // idle expiry: a server with --idle 2 ends the session (its keyring locked)
  if (process.env.UI_URL_IDLE) {
    const ip = Number(new URL(process.env.UI_URL_IDLE).port);
    r = await raw('POST', '/ui/api/login', { Origin: `http://127.0.0.1:${ip}`, 'Content-Type': 'application/json' },
                  JSON.stringify({ gid: 'fam-1', passphrase: PASS }), ip);
    const c3 = String(r.headers['set-cookie']).split(';')[0];
    r = await raw('GET', '/ui/api/me', { Cookie: c3 }, undefined, ip);
    ok(r.status === 200, `idle server: a fresh session -> ${r.status}`);
    await new Promise((res) => setTimeout(res, 4500));
    r = await raw('GET', '/ui/api/me', { Cookie: c3 }, undefined, ip);
    ok(r.status === 401 && JSON.parse(r.body).error.code === 'no_session', `idle server: after 4.5 s idle -> ${r.status}`);
  } else ok(false, 'UI_URL_IDLE is not set');
}

function secrets() {
  let n = 0;
  for (const [u, b] of bodies) {
    n++;
    const low = b.toLowerCase();
    if (b.includes(PASS)) ok(false, `the passphrase in ${u}`);
    for (const k of keyHex) if (low.includes(k)) ok(false, `a key (${k.slice(0, 8)}…) in ${u}`);
  }
  ok(n > 20 && keyHex.length > 0, `responses scanned: ${n}, key strings: ${keyHex.length}`);
  console.log(`# ${n} responses scanned for the passphrase and ${keyHex.length} key strings`);
}

const browser = await chromium.launch({ executablePath: process.env.UI_CHROMIUM, args: ['--no-sandbox'] });
await finish('ui', browser, async () => {
  const patient = await journey(browser, 'pt-1');
  for (const gid of ['fam-1', 'dr-a', 'res', 'admin']) (await journey(browser, gid)).ctx.close();
  await security(patient);
  secrets();
  await patient.ctx.close();
});
