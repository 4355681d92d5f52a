// tests/ui/rx_journey.mjs - the prescription, dispensing and break-glass
// pages in headless Chromium (playwright-core, Debian's chromium), in the
// world of tests/ui/rx_test.sh (UI_RX=1; skipped under ui_test.sh, whose
// world has no pharmacy or desk):
//   dr-a: amoxicillin is blocked by pt-1's penicillin allergy (the
//         warning shown inline, nothing written), then written with an
//         override reason and one refill; aspirin written plainly;
//   pharm: her queue across patients opens the page: pt-1's amoxicillin
//         (2 of 2 fills) and aspirin (1 of 1), prescriber and time;
//         amoxicillin dispensed from the queue (1 of 2 left), then again
//         (it leaves the queue); the lookup of pt-1's open prescriptions:
//         aspirin dispensed once (it leaves the queue too), the second
//         dispense refused with the node's reason;
//   dr-er: break-glass without a reason refused, then with one: the
//         summary and the remaining window;
//   pt-1: the break-glass shows up highlighted in her audit page.
// Roles: a pharmacist cannot prescribe, a doctor cannot dispense nor read
// the pharmacist's queue (403 not_for_role).
// axe-core on every page (no serious or critical violation), screenshots.
import { chromium, ok, axe, finish, shotter } from './lib/journey.mjs';

if (process.env.UI_RX !== '1') {
  console.log('# rx_journey: skipped (run by tests/ui/rx_test.sh)');
  process.exit(0);
}

const URL0 = process.env.UI_URL, PASS = process.env.UI_PASSPHRASE, SHOTS = process.env.UI_SHOTS;
const DESK = process.env.UI_DESK;
const REASON = 'unconscious after a road accident';

const shot = shotter(SHOTS);

async function login(browser, gid) {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(URL0 + '/');
  await page.fill('#gid', gid);
  await page.fill('#passphrase', PASS);
  await page.click('button[type=submit]');
  await page.waitForURL('**/app.html');
  await page.waitForSelector('#menu a');
  return { ctx, page };
}

async function open(page, id) {
  await page.click('#menu-' + id);
  await page.waitForSelector(`#view[data-view="${id}"], #status.error`, { timeout: 60000 });
  const err = await page.$eval('#status', (s) => (s.classList.contains('error') ? s.textContent : ''));
  ok(!err, `${id}: ${err}`);
}

// a JSON API call from the page, with its CSRF token: [status, body]
const api = (page, method, url, body) => page.evaluate(async ([m, u, b]) => {
  const me = await (await fetch('/ui/api/me')).json();
  const r = await fetch(u, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
                             body: b === undefined ? undefined : JSON.stringify(b) });
  return [r.status, await r.json()];
}, [method, url, body]);

async function doctor(browser) {
  const { ctx, page } = await login(browser, 'dr-a');
  const menu = await page.$$eval('#menu a', (as) => as.map((a) => a.id));
  ok(menu.includes('menu-prescribe') && !menu.includes('menu-pharmacy'), `dr-a's menu: ${menu}`);
  await open(page, 'prescribe');
  await page.fill('#patient', 'pt-1');
  const pick = async (re) => {
    const v = await page.$$eval('#drug option', (os, src) => {
      const o = os.find((x) => new RegExp(src, 'i').test(x.textContent));
      return o ? o.value : '';
    }, re);
    ok(v, `the drug table offers ${re}`);
    await page.selectOption('#drug', v);
  };
  await pick('^amoxicillin');
  await page.fill('#quantity', '21');
  await page.fill('#refills', '1');
  await page.fill('#dose', '500 mg three times a day');
  await page.click('#rx-submit');
  await page.waitForSelector('#rx-warning-list li, #rx-result.error', { timeout: 60000 });
  const warns = await page.$$eval('#rx-warning-list li', (ls) => ls.map((l) => l.textContent));
  ok(warns.some((w) => /allerg/i.test(w)), `the allergy warning is shown inline: ${warns}`);
  ok(await page.isVisible('#override'), 'the form asks for an override reason');
  const before = (await api(page, 'GET', '/ui/api/rx/list?patient=pt-1'))[1].rows.length;
  await axe(page, 'prescribe (warnings)');
  await shot(page, 'doctor-prescribe-warning');
  ok(before === 0 || !(await api(page, 'GET', '/ui/api/rx/list?patient=pt-1'))[1].rows.some((r) => /amoxicillin/i.test(r.drug)),
     'the blocked prescription wrote nothing');
  await page.fill('#override', 'no alternative; tolerated amoxicillin in 2024 under observation');
  await page.click('#rx-submit');
  await page.waitForFunction(() => /Prescribed/.test(document.getElementById('rx-result').textContent) ||
                                   document.getElementById('rx-result').classList.contains('error'), null, { timeout: 60000 });
  ok(/warnings overridden/.test(await page.textContent('#rx-result')), `written with the override: ${await page.textContent('#rx-result')}`);
  await pick('^aspirin');
  await page.fill('#quantity', '30');
  await page.fill('#refills', '0');
  await page.fill('#dose', '75 mg daily');
  await page.click('#rx-submit');
  await page.waitForFunction(() => (/Prescribed.*entry/.test(document.getElementById('rx-result').textContent) &&
                                    !/overridden/.test(document.getElementById('rx-result').textContent)) ||
                                   document.getElementById('rx-result').classList.contains('error') ||
                                   document.querySelector('#rx-warning-list li'), null, { timeout: 60000 });
  const aspirin = await page.textContent('#rx-result');
  const aspirinWarns = await page.$$eval('#rx-warning-list li', (ls) => ls.map((l) => l.textContent));
  ok(/Prescribed/.test(aspirin) && !aspirinWarns.length, `aspirin: ${aspirin} ${aspirinWarns}`);
  await page.waitForSelector('#rx-existing table');
  await axe(page, 'prescribe');
  await shot(page, 'doctor-prescribe');
  const [st] = await api(page, 'POST', '/ui/api/rx/dispense', { patient: 'pt-1', id: 'x', quantity: 1 });
  ok(st === 403, `a doctor cannot dispense: ${st}`);
  const [qst, qbody] = await api(page, 'GET', '/ui/api/rx/queue');
  ok(qst === 403 && qbody.error.code === 'not_for_role', `a doctor gets no pharmacist's queue: ${qst} ${JSON.stringify(qbody)}`);
  await ctx.close();
}

// the rows of the queue across patients: [{patient, drug, left, text}]
const queueRows = (page) => page.$$eval('#rx-all tbody tr', (trs) => trs.map((t) => ({
  patient: t.dataset.patient, drug: t.querySelector('.drug').textContent,
  left: t.querySelector('.fills-left').textContent, text: t.textContent })));

// waits until the queue's row of drug (re) has fills left `left`, or is gone (left null)
const queueSettles = (page, re, left) => page.waitForFunction(([src, want]) => {
  const tr = [...document.querySelectorAll('#rx-all tbody tr')]
    .find((t) => new RegExp(src, 'i').test(t.querySelector('.drug').textContent));
  return want === null ? !tr : tr && tr.querySelector('.fills-left').textContent === want;
}, [re, left], { timeout: 60000 }).then(() => true, () => false);

async function fromQueue(page, re) {
  await page.evaluate(() => { document.getElementById('dispense-result').textContent = ''; });
  await page.locator('#rx-all tbody tr').filter({ has: page.locator('.drug', { hasText: new RegExp(re, 'i') }) })
    .locator('button.dispense').click();
  await page.waitForFunction(() => /Dispensed|Refused/.test(document.getElementById('dispense-result').textContent), null, { timeout: 60000 });
  return page.textContent('#dispense-result');
}

async function pharmacist(browser) {
  const { ctx, page } = await login(browser, 'pharm');
  await open(page, 'pharmacy');
  // the page opens on her queue across patients
  await page.waitForSelector('#rx-all table, #rx-all .error', { timeout: 60000 });
  const q = await queueRows(page);
  ok(q.some((r) => r.patient === 'pt-1' && /^aspirin/i.test(r.drug) && r.left === '1 of 1' && /dr-a/.test(r.text)),
     `the queue lists pt-1's aspirin, 1 of 1 fills, by dr-a: ${JSON.stringify(q)}`);
  ok(q.some((r) => r.patient === 'pt-1' && /^amoxicillin/i.test(r.drug) && r.left === '2 of 2'),
     `the queue lists pt-1's amoxicillin, 2 of 2 fills: ${JSON.stringify(q)}`);
  ok(!(await page.$('#rx-queue-errors')), 'every record of the queue was read');
  const [qst, qbody] = await api(page, 'GET', '/ui/api/rx/queue');
  ok(qst === 200 && qbody.records >= 1 && qbody.rows.every((r) => r.patient && r.fills_left > 0) && qbody.errors.length === 0,
     `GET /ui/api/rx/queue: ${qst} ${JSON.stringify(qbody).slice(0, 300)}`);
  await axe(page, 'pharmacy (queue)');
  await shot(page, 'pharmacist-queue-all');
  let said = await fromQueue(page, '^amoxicillin');
  ok(/fill 1 of 2/.test(said), `dispensed from the queue: ${said}`);
  ok(await queueSettles(page, '^amoxicillin', '1 of 2'), 'the queue shows one fill left of amoxicillin');
  said = await fromQueue(page, '^amoxicillin');
  ok(/fill 2 of 2/.test(said), `dispensed the last fill from the queue: ${said}`);
  ok(await queueSettles(page, '^amoxicillin', null), 'amoxicillin left the queue with no fill left');
  ok((await queueRows(page)).some((r) => /^aspirin/i.test(r.drug)), 'aspirin is still in the queue');
  await shot(page, 'pharmacist-queue-dispensed');
  // the lookup of one patient stays
  await page.fill('#patient', 'pt-1');
  await page.click('#queue-form button[type=submit]');
  await page.waitForSelector('#rx-queue table, #rx-queue p', { timeout: 60000 });
  const rows = await page.$$eval('#rx-queue tbody tr', (trs) => trs.map((t) => t.textContent));
  ok(rows.some((r) => /aspirin/i.test(r) && /1 of 1/.test(r)), `the queue shows aspirin with its fills left: ${rows}`);
  await axe(page, 'pharmacy');
  await shot(page, 'pharmacist-queue');
  const row = page.locator('#rx-queue tbody tr', { hasText: /aspirin/i });
  await row.locator('button.dispense').click();
  await page.waitForFunction(() => /Dispensed|Refused/.test(document.getElementById('dispense-result').textContent), null, { timeout: 60000 });
  ok(/fill 1 of 1/.test(await page.textContent('#dispense-result')), `dispensed once: ${await page.textContent('#dispense-result')}`);
  // the lookup is read again after the dispense: wait for its answer
  await page.waitForFunction(() => [...document.querySelectorAll('#rx-queue tbody tr')]
    .some((t) => /aspirin/i.test(t.textContent) && /^0 of/.test(t.querySelector('.fills-left').textContent)), null, { timeout: 60000 })
    .catch(() => {});
  const left = await page.locator('#rx-queue tbody tr', { hasText: /aspirin/i }).locator('.fills-left').textContent();
  ok(/^0 of 1/.test(left), `no fill left: ${left}`);
  ok(await queueSettles(page, '^aspirin', null), 'aspirin dispensed from the lookup left the queue too');
  await page.evaluate(() => { document.getElementById('dispense-result').textContent = ''; });
  await page.locator('#rx-queue tbody tr', { hasText: /aspirin/i }).locator('button.dispense').click();
  await page.waitForFunction(() => /Dispensed|Refused/.test(document.getElementById('dispense-result').textContent), null, { timeout: 60000 });
  const refusal = await page.textContent('#dispense-result');
  ok(/Refused/.test(refusal) && /1 of 1/.test(refusal), `the second dispense is refused with the node's reason: ${refusal}`);
  await axe(page, 'pharmacy (refused)');
  await shot(page, 'pharmacist-refused');
  const [st] = await api(page, 'POST', '/ui/api/rx/write', { patient: 'pt-1', rxnorm: '1191', quantity: 1 });
  ok(st === 403, `a pharmacist cannot prescribe: ${st}`);
  await ctx.close();
}

async function emergency(browser) {
  const { ctx, page } = await login(browser, 'dr-er');
  await open(page, 'break-glass');
  const [st, body] = await api(page, 'POST', '/ui/api/emergency/request', { patient: 'pt-1', reason: '', minutes: 5, desk: DESK });
  ok(st === 400 && body.error.code === 'bad_form', `break-glass without a reason is refused: ${st} ${JSON.stringify(body)}`);
  ok(await page.$eval('#reason', (e) => e.required), 'the reason field is required');
  await page.fill('#patient', 'pt-1');
  await page.fill('#reason', REASON);
  await page.fill('#minutes', '30');
  await page.fill('#desk', DESK);
  await page.click('#btg-submit');
  await page.waitForSelector('#btg-window, #btg-result.error', { timeout: 60000 });
  const err = await page.$eval('#btg-result', (e) => (e.classList.contains('error') ? e.textContent : ''));
  ok(!err, `break-glass: ${err}`);
  if (!err) {
    const win = await page.textContent('#btg-window');
    ok(/min \d+ s left|s left/.test(win) && /Break-glass/.test(win), `the remaining window is shown: ${win}`);
    const blocks = await page.$$eval('#btg-summary .report-block', (bs) => bs.map((b) => b.dataset.block));
    ok(blocks.includes('allergies'), `the summary has its allergy block: ${blocks}`);
    ok(/penicillin/i.test(await page.textContent('#btg-summary')), 'the summary shows the penicillin allergy');
  }
  await axe(page, 'break-glass');
  await shot(page, 'emergency-summary');
  await ctx.close();
}

async function patientAudit(browser) {
  const { ctx, page } = await login(browser, 'pt-1');
  await open(page, 'audit');
  const rows = await page.$$eval('tr.break-glass', (trs) => trs.map((t) => t.textContent));
  ok(rows.some((r) => /dr-er/.test(r)), `the patient's audit page highlights dr-er's break-glass: ${rows.slice(0, 3)}`);
  await axe(page, 'audit (break-glass)');
  await shot(page, 'patient-audit-break-glass');
  await ctx.close();
}

const browser = await chromium.launch({ executablePath: process.env.UI_CHROMIUM, args: ['--no-sandbox'] });
await finish('rx_journey', browser, async () => {
  await doctor(browser);
  await pharmacist(browser);
  await emergency(browser);
  await patientAudit(browser);
});
