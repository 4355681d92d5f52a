// tests/ui/care_journey.mjs - the hospital day of tests/client/care_test.sh
// through the node's pages (issue 12), in headless Chromium (playwright-core,
// Debian's chromium): admissions with a taken bed refused, a diagnosis,
// vitals (an implausible value refused), a note, theatre bookings with a
// double booking refused, discharges, slots and appointments with a double
// booking refused, the census, calendar and theatre boards, and the MIS
// dashboard's figures; the hospital admin's staff page (nurse-n taken on,
// dr-z refused without her consent, nurse-n's affiliation ended); each
// role's menu and JSON views (403 for another role's); the session and CSRF
// checks on the new routes; strict form bodies; axe-core on every page;
// screenshots. staffExtras: nurse-x taken on with extra attributes of
// hosp-a, p1's care team given (and given again: none new), p4's refused.
// Run by tests/ui/care_ui_test.sh (UI_CARE_WORLD=1: its world); ui_test.sh
// runs every tests/ui/*.mjs in its own world, where this one is skipped.
// Environment: UI_URL, UI_PASSPHRASE, UI_SHOTS, UI_CHROMIUM.
import fs from 'node:fs';
import { chromium, ok, axe, finish, shotter, text, code, rawClient } from './lib/journey.mjs';

if (!process.env.UI_CARE_WORLD) {
  console.log('care_journey: skipped (needs the hospital world of tests/ui/care_ui_test.sh)');
  process.exit(0);
}

const URL0 = process.env.UI_URL;
const PASS = process.env.UI_PASSPHRASE;
const SHOTS = process.env.UI_SHOTS;
const port = Number(new URL(URL0).port);
const ORIGIN = `http://127.0.0.1:${port}`;
const D = '2026-11-24', D2 = '2026-11-25';
const bodies = [];

// each role's menu, exactly (docs/UI.md)
const MENUS = {
  'dr-a': { role: 'doctor', menu: ['professional', 'patients', 'care-forms', 'prescribe', 'break-glass'] },
  'nurse-a': { role: 'nurse', menu: ['professional', 'patients', 'care-forms'] },
  'clerk-a': { role: 'clerk', menu: ['staff', 'census', 'calendar', 'theatres', 'mis'] },
  'hosp-a': { role: 'organization', menu: ['staff', 'census', 'calendar', 'theatres', 'mis'] },
};
const CLERK_VIEWS = ['staff', 'census', 'schedule?period=2026-11-24', 'theatre', 'mis?period=2026-11-24'].map((v) => '/ui/api/clerk/' + v);
const CLINICIAN_ONLY_POST = ['admit', 'discharge', 'condition', 'vitals', 'note', 'theatre', 'outcome'].map((v) => '/ui/api/care/' + v);
const STAFF_CHANGES = ['/ui/api/staff/add', '/ui/api/staff/end'];
// another role's JSON views: 403 not_for_role
const DENIED = {
  'dr-a': { get: [...CLERK_VIEWS, '/ui/api/staff'], post: STAFF_CHANGES },
  'nurse-a': { get: [...CLERK_VIEWS, '/ui/api/staff'], post: ['/ui/api/care/slots', ...STAFF_CHANGES] },
  'clerk-a': { get: ['/ui/api/care/patients', '/ui/api/care/units', '/ui/api/care/encounters?patient=p1', '/ui/api/report/professional?patient=p1',
                     '/fhir/Patient/p1/$everything', '/ui/api/staff'], post: [...CLINICIAN_ONLY_POST, ...STAFF_CHANGES] },
  // the hospital admin: her staff page and the clerk's boards (read from her own ledger), no patient data, no clerk's writes
  'hosp-a': { get: ['/ui/api/clerk/staff', '/ui/api/care/patients', '/ui/api/care/units', '/ui/api/report/professional?patient=p1',
                    '/fhir/Patient/p1/$everything'],
              post: ['/ui/api/care/admit', '/ui/api/care/appointment', '/ui/api/care/slots', '/ui/api/care/checkin', '/ui/api/care/cancel',
                     '/ui/api/operator/decide'] },
};

const raw = rawClient(port);

const shot = shotter(SHOTS);

async function login(browser, gid) {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  page.on('response', async (res) => {
    try {
      if (/json|csv|html|javascript/.test(res.headers()['content-type'] || '')) bodies.push([res.url(), await res.text()]);
    } catch { /* not kept */ }
  });
  page.on('pageerror', (e) => ok(false, `${gid}: a script error on the page: ${e.message}`));
  await page.goto(URL0 + '/');
  await page.fill('#gid', gid);
  await page.fill('#passphrase', PASS);
  await page.click('button[type=submit]');
  await page.waitForURL('**/app.html');
  await page.waitForSelector('#menu a');
  const want = MENUS[gid];
  const ids = await page.$$eval('#menu a', (as) => as.map((a) => a.id.replace('menu-', '')));
  ok(JSON.stringify(ids) === JSON.stringify(want.menu), `${gid}: menu ${ids} (want ${want.menu})`);
  ok((await text(page, '#who')).includes(`(${want.role})`), `${gid}: role ${want.role}`);
  return { ctx, page };
}

// opens a page through the menu; waits until it is rendered
async function open(page, id) {
  await page.evaluate(() => { delete document.getElementById('view').dataset.view; });
  await page.click('#menu-' + id);
  await page.waitForSelector(`#view[data-view="${id}"], #status.error`, { timeout: 60000 });
  const err = await page.$eval('#status', (s) => (s.classList.contains('error') ? s.textContent : ''));
  ok(!err, `page ${id}: ${err}`);
}

let shotReview = false;
// fills form OP (values by field name), reviews it, saves it: {stage, review, text}
// stage 'check' (refused by the node's checks), 'saved' or 'refused' (the write refused)
async function form(page, op, values) {
  for (const [k, v] of Object.entries(values)) {
    const sel = `#${op}-${k}`;
    if ((await page.$eval(sel, (e) => e.tagName)) === 'SELECT') await page.selectOption(sel, v);
    else await page.fill(sel, String(v));
  }
  await page.click(`#${op}-check`);
  await page.waitForSelector(`#${op}-review:not([hidden]), #${op}-result [role=alert]`, { timeout: 60000 });
  if (await page.$(`#${op}-result [role=alert]`)) return { stage: 'check', text: await text(page, `#${op}-result`) };
  const review = await text(page, `#${op}-review`);
  if (!shotReview) { shotReview = true; await shot(page, 'care-form-review'); }
  await page.click(`#${op}-save`);
  await page.waitForSelector(`#${op}-result .ok, #${op}-result [role=alert]`, { timeout: 60000 });
  const saved = !!(await page.$(`#${op}-result .ok`));
  return { stage: saved ? 'saved' : 'refused', review, text: await text(page, `#${op}-result`) };
}

async function expectSaved(page, op, values, what, reviewHas = []) {
  const r = await form(page, op, values);
  ok(r.stage === 'saved', `${what}: ${r.stage}: ${r.text}`);
  for (const s of reviewHas) ok((r.review || '').includes(s), `${what}: the review shows '${s}': ${r.review}`);
  return r;
}

async function expectRefused(page, op, values, what, stage, pattern) {
  const r = await form(page, op, values);
  ok(r.stage === stage && pattern.test(r.text), `${what}: refused at ${stage} with ${pattern}: got ${r.stage}: ${r.text}`);
  return r;
}

async function denied(page, gid) {
  const { get, post } = DENIED[gid];
  for (const p of get) {
    const st = await page.evaluate(async (u) => (await fetch(u)).status, p);
    ok(st === 403, `${gid}: GET ${p} -> ${st}, want 403`);
  }
  for (const p of post) {
    const r = await page.evaluate(async (u) => {
      const me = await (await fetch('/ui/api/me')).json();
      const res = await fetch(u, { method: 'POST', headers: { 'X-CSRF-Token': me.csrf, 'Content-Type': 'application/json' },
                                   body: JSON.stringify({ patient: 'p1' }) });
      return { status: res.status, body: await res.text() };
    }, p);
    ok(r.status === 403 && /not_for_role/.test(r.body), `${gid}: POST ${p} -> ${r.status} ${r.body.slice(0, 80)}, want 403`);
  }
}

async function phone(page, id, name) {
  await page.setViewportSize({ width: 390, height: 800 });
  await open(page, id);
  await shot(page, name);
  await page.setViewportSize({ width: 1100, height: 900 });
}

async function doctor(browser) {
  const { ctx, page } = await login(browser, 'dr-a');
  await open(page, 'patients');
  ok(/No patient of hosp-a's ledger yet/.test(await text(page, '#patients-list')), 'my patients: an empty ledger lists none');
  await page.fill('#lookup', 'p1');
  await page.click('#lookup-form button[type=submit]');
  await page.waitForSelector('#patients-lookup p:not(:empty)');
  await page.waitForFunction(() => !/Looking/.test(document.getElementById('patients-lookup').textContent));
  ok(/p1 consented to treatment at hosp-a/.test(await text(page, '#patients-lookup')), 'my patients: p1 looked up, consented');
  await page.fill('#lookup', 'nobody');
  await page.click('#lookup-form button[type=submit]');
  await page.waitForFunction(() => /nobody/.test(document.getElementById('patients-lookup').textContent));
  ok(!!(await page.$('#patients-lookup [role=alert]')), 'my patients: an unknown patient is not listed (alert)');
  await axe(page, 'doctor patients (empty)');

  await open(page, 'care-forms');
  await axe(page, 'doctor care-forms');
  await shot(page, 'doctor-care-forms');
  const patient = (p) => page.fill('#care-patient', p);
  await patient('p1');
  await expectSaved(page, 'admit', { ward: 'ward-med', bed: 1, reason: 'chest pain', at: `${D}T08:00` }, 'admit p1 to ward-med bed 1',
                    ['p1', 'ward-med', 'Bed1', 'chest pain', `${D} 08:00 UTC`]);
  await shot(page, 'doctor-admitted');
  await patient('p3');
  await expectRefused(page, 'admit', { ward: 'ward-med', bed: 1, reason: '', at: `${D}T08:45` }, 'admit p3 to the taken bed',
                      'refused', /bed_taken/);
  await axe(page, 'doctor care-forms (a refusal shown)');
  await shot(page, 'doctor-bed-taken');
  await expectSaved(page, 'admit', { ward: 'ward-surg', bed: 1, reason: 'appendicitis', at: `${D}T09:00` }, 'admit p3 to ward-surg bed 1');
  await patient('p1');
  await page.dispatchEvent('#care-patient', 'change');
  await page.waitForFunction(() => /^p1's encounters/.test(document.querySelector('#care-encounters caption')?.textContent || ''));
  const enc = await page.$eval('#care-encounters tbody td', (td) => td.textContent);
  ok(/^[0-9a-f-]{36}$/.test(enc), `p1's admission listed: ${enc}`);
  // the diagnosis by keyboard alone: Enter in a field reviews, focus moves to Save, Enter saves
  await page.selectOption('#condition-system', 'snomed');
  await page.fill('#condition-code', '22298006');
  await page.fill('#condition-display', 'Myocardial infarction');
  await page.fill('#condition-encounter', enc);
  await page.focus('#condition-display');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#condition-review:not([hidden]), #condition-result [role=alert]');
  ok(await page.evaluate(() => document.activeElement.id) === 'condition-save', 'keyboard: the review puts the focus on Save');
  ok(/Myocardial infarction/.test(await text(page, '#condition-review')) && /snomed 22298006/.test(await text(page, '#condition-review')),
     'diagnosis of p1: the review shows the diagnosis and its code');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#condition-result .ok, #condition-result [role=alert]');
  ok(/Saved: Condition/.test(await text(page, '#condition-result')), `diagnosis of p1 saved by keyboard: ${await text(page, '#condition-result')}`);
  await expectRefused(page, 'vitals', { hr: '', bp: '', temp: '80', at: `${D}T08:10` }, 'an implausible temperature', 'check', /plausible/);
  await expectSaved(page, 'vitals', { hr: '88', bp: '135/85', temp: '37.1', at: `${D}T08:10` }, 'vitals of p1', ['88', '135/85', '37.1']);
  await expectSaved(page, 'note', { kind: 'progress', text: 'Crushing chest pain since 06:00; ECG shows ST elevation.', encounter: enc },
                    'a note on p1', ['ST elevation']);
  await patient('p3');
  const surg1 = await expectSaved(page, 'theatre', { theatre: 'th-1', surgeon: 'dr-a', team: 'nurse-a:scrub-nurse', snomed: '80146002',
                                                     display: 'Appendectomy', start: `${D}T10:00`, end: `${D}T12:00` }, 'theatre th-1 for p3');
  await patient('p2');
  await expectRefused(page, 'theatre', { theatre: 'th-1', surgeon: 'dr-a', team: '', snomed: '232717009', display: 'Coronary angioplasty',
                                         start: `${D}T11:00`, end: `${D}T13:00` }, 'a double booking of th-1', 'refused', /th-1/);
  await shot(page, 'doctor-theatre-refused');
  const surg2 = await expectSaved(page, 'theatre', { theatre: 'th-2', surgeon: 'dr-a', snomed: '232717009', display: 'Coronary angioplasty',
                                                     start: `${D}T12:00`, end: `${D}T13:30` }, 'theatre th-2 for p2');
  // their outcomes (the booking ids from the messages of their bookings)
  const idOf = (r) => (/Appointment ([0-9a-f-]{36})/.exec(r.text || '') || [])[1] || '';
  await expectSaved(page, 'outcome', { id: idOf(surg1), status: 'completed', success: 'successful', outcome: 'no complications' },
                    'the appendectomy completed', ['completed', 'no complications']);
  await expectSaved(page, 'outcome', { id: idOf(surg2), status: 'completed', success: '', outcome: 'stent placed' },
                    'the angioplasty completed');
  await expectRefused(page, 'outcome', { id: idOf(surg2), status: 'completed', success: '', outcome: '', start: `${D}T12:00`, end: '' },
                      'an actual start without its end', 'check', /start|end/);
  await patient('p1');
  await expectSaved(page, 'discharge', { disposition: 'other-hcf', summary: 'Transferred to hosp-b for PCI.', at: `${D}T14:00` },
                    'discharge of p1', ['other-hcf', 'Transferred to hosp-b']);

  await open(page, 'patients');
  const rows = await page.$$eval('#patients-list tbody tr', (trs) => trs.map((tr) => tr.textContent));
  ok(['p1', 'p3'].every((p) => rows.some((r) => r.startsWith(p))), `my patients from the ledger: ${rows}`);
  ok(rows.some((r) => r.startsWith('p3') && /ward-surg bed 1/.test(r)), `p3 shown in ward-surg bed 1: ${rows}`);
  await axe(page, 'doctor patients');
  await shot(page, 'doctor-patients');
  // the professional report of one patient, linked from the list
  await page.evaluate(() => { delete document.getElementById('view').dataset.view; });
  await page.click('a[aria-label="Professional report of p1"]');
  await page.waitForSelector('#view[data-view="professional"]');
  await page.waitForSelector('#report .report-block, #report [role=alert]', { timeout: 60000 });
  ok(/Myocardial infarction/.test(await text(page, '#report')), 'the professional report of p1 shows the diagnosis');
  await denied(page, 'dr-a');
  await phone(page, 'care-forms', 'doctor-phone');
  return { ctx, page };
}

async function nurse(browser) {
  const { ctx, page } = await login(browser, 'nurse-a');
  await open(page, 'care-forms');
  await page.fill('#care-patient', 'p2');
  await expectSaved(page, 'admit', { ward: 'ward-med', bed: 2, reason: 'observation', at: `${D}T08:30` }, 'the nurse admits p2 to bed 2');
  await expectRefused(page, 'discharge', { disposition: 'home', summary: 'Stable, home.', at: `${D}T17:00` },
                      'a nurse discharge with a summary (section other)', 'refused', /no write grant/);
  await expectSaved(page, 'discharge', { disposition: 'home', summary: '', at: `${D}T17:00` }, 'the nurse discharges p2');
  await axe(page, 'nurse care-forms');
  await shot(page, 'nurse-care-forms');
  await open(page, 'patients');
  await axe(page, 'nurse patients');
  await denied(page, 'nurse-a');
  await ctx.close();
}

// the value of column col in the row whose first cell is row, in the MIS report named report
async function misCell(page, report, row, col) {
  return page.evaluate(([rep, r, c]) => {
    const sec = document.querySelector(`.mis-report[data-report="${rep}"]`);
    if (!sec) return null;
    const heads = [...sec.querySelectorAll('thead th')].map((th) => th.textContent);
    const tr = [...sec.querySelectorAll('tbody tr')].find((x) => x.cells[0].textContent === r);
    return tr ? tr.cells[heads.indexOf(c)].textContent : null;
  }, [report, row, col]);
}

async function clerk(browser) {
  const { ctx, page } = await login(browser, 'clerk-a');
  await page.evaluate(() => sessionStorage.setItem('ck-week', '2026-11-25'));
  await open(page, 'calendar');
  await expectSaved(page, 'slots', { doctor: 'dr-a', date: D2, from: '09:00', to: '10:00', every: '20m' }, 'the clerk opens dr-a\'s slots');
  await page.fill('#appointment-patient', 'p2');
  await expectSaved(page, 'appointment', { doctor: 'dr-a', at: `${D2}T09:00`, reason: 'follow-up' }, 'p2 booked with dr-a at 09:00');
  await page.fill('#appointment-patient', 'p1');
  await expectRefused(page, 'appointment', { doctor: 'dr-a', at: `${D2}T09:00`, reason: '' }, 'p1 in the same slot', 'refused', /taken/);
  // as in care_test.sh: p3 booked at 09:20 and cancelled, p1 takes the slot, p2 checked in
  await page.fill('#appointment-patient', 'p3');
  await expectSaved(page, 'appointment', { doctor: 'dr-a', at: `${D2}T09:20`, reason: '' }, 'p3 booked with dr-a at 09:20');
  const appt = (start) => page.$eval(`#calendar .slot[data-start="${start}"]`, (l) => l.dataset.appointment || '');
  await page.waitForFunction((st) => !!document.querySelector(`#calendar .slot.booked[data-start="${st}"]`), `${D2}T09:20`);
  const p3appt = await appt(`${D2}T09:20`);
  await expectSaved(page, 'cancel', { id: p3appt, reason: 'patient request' }, 'p3\'s appointment cancelled',
                    ['p3 with dr-a', 'patient request']);
  await page.fill('#appointment-patient', 'p1');
  await expectSaved(page, 'appointment', { doctor: 'dr-a', at: `${D2}T09:20`, reason: '' }, 'p1 takes the freed 09:20 slot');
  await page.waitForFunction((st) => !!document.querySelector(`#calendar .slot.booked[data-start="${st}"]`), `${D2}T09:00`);
  await expectSaved(page, 'checkin', { id: await appt(`${D2}T09:00`) }, 'p2 checked in', ['p2 with dr-a', 'checked-in']);
  await expectRefused(page, 'cancel', { id: 'no-such-appointment', reason: 'test' }, 'cancelling an unknown appointment', 'refused',
                      /no_such_appointment|not found|no Appointment/i);
  await page.waitForFunction(() => /checked-in/.test(document.querySelector('#calendar .slot')?.textContent || ''), null,
                             { timeout: 30000 });
  const slots = await page.$$eval('#calendar .slot', (ls) => ls.map((l) => l.textContent));
  ok(slots.length === 3 && /09:00 dr-a: p2 \(checked-in\)/.test(slots[0]) && /09:20 dr-a: p1/.test(slots[1]) &&
     /09:40 dr-a: free/.test(slots[2]), `the week calendar: ${slots}`);
  await axe(page, 'clerk calendar');
  await shot(page, 'clerk-calendar');

  await open(page, 'census');
  ok(/1 of 6 beds taken/.test(await text(page, '#census-summary')), `census: ${await text(page, '#census-summary')}`);
  ok(/p3/.test(await text(page, '.ward[data-ward="ward-surg"] .bed[data-bed="1"]')), 'census: p3 in ward-surg bed 1');
  ok(/free/.test(await text(page, '.ward[data-ward="ward-med"] .bed[data-bed="1"]')), 'census: ward-med bed 1 free again');
  await axe(page, 'clerk census');
  await shot(page, 'clerk-census');

  await page.evaluate(() => sessionStorage.setItem('ck-week', '2026-11-24'));
  await open(page, 'theatres');
  ok(/th-1: 1 booking$/.test(await text(page, '[data-theatre="th-1"] h2')) && /th-2: 1 booking$/.test(await text(page, '[data-theatre="th-2"] h2')),
     'theatre board: one booking in each theatre (the double booking is not there)');
  ok(/Appendectomy/.test(await text(page, '[data-theatre="th-1"]')), 'theatre board: th-1 holds the appendectomy');
  await axe(page, 'clerk theatres');
  await shot(page, 'clerk-theatres');

  await page.evaluate((d) => sessionStorage.setItem('ck-mis-period', d), D);
  await open(page, 'mis');
  await page.waitForSelector('.mis-report');
  const want = [
    ['admissions', 'ward-med', 'Admissions', '2'], ['admissions', 'ward-med', 'Discharges', '2'],
    ['admissions', 'ward-surg', 'Admissions', '1'], ['admissions', 'ward-surg', 'Discharges', '0'],
    ['admissions', 'total', 'Admissions', '3'], ['admissions', 'total', 'Discharges', '2'],
    ['occupancy', 'ward-med', 'Occupied bed-days', '0.60'], ['occupancy', 'ward-med', 'Occupancy %', '15.1'],
    ['occupancy', 'ward-surg', 'Occupied bed-days', '0.63'], ['occupancy', 'ward-surg', 'Occupancy %', '31.3'],
    ['theatre', 'th-1', 'Sessions', '1'], ['theatre', 'th-1', 'Booked hours', '2.00'],
    ['theatre', 'th-2', 'Sessions', '1'], ['theatre', 'th-2', 'Booked hours', '1.50'], ['theatre', 'total', 'Sessions', '2'],
    ['theatre', 'total', 'Fulfilled', '2'],
  ];
  for (const [rep, row, col, v] of want) {
    const got = await misCell(page, rep, row, col);
    ok(got === v, `MIS ${rep} ${row} ${col}: ${got}, want ${v}`);
  }
  ok((await page.$$('.mis-report canvas')).length >= 3, 'MIS: charts');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#mis-csv')]);
  const csv = fs.readFileSync(await dl.path(), 'utf8');
  const lines = csv.split(/\r?\n/);
  ok(lines.includes('ward-med,Medical ward,2,2') && lines.includes('ward-surg,Surgical ward,1,0') && lines.includes('total,,3,2'),
     `MIS CSV download: the admissions rows: ${csv.slice(0, 300)}`);
  ok(lines.some((l) => /^th-1,Theatre 1,1,2\.00,/.test(l)), 'MIS CSV download: th-1 one session, 2 hours');
  await axe(page, 'clerk mis');
  await shot(page, 'clerk-mis');

  await open(page, 'staff');
  const staff = await page.$$eval('#view tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
  ok(['clerk-a', 'dr-a', 'nurse-a'].every((g) => staff.includes(g)), `staff list: ${staff}`);
  ok(/Read-only/.test(await text(page, '#staff-readonly')), 'staff list says it is read-only');
  await axe(page, 'clerk staff');
  await shot(page, 'clerk-staff');
  await denied(page, 'clerk-a');
  await phone(page, 'census', 'clerk-phone');
  return { ctx, page };
}

async function security(doc) {
  const cookie = 'ck_session=' + (await doc.ctx.cookies()).find((k) => k.name === 'ck_session').value;
  const me = JSON.parse((await raw('GET', '/ui/api/me', { Cookie: cookie })).body);
  const json = { 'Content-Type': 'application/json' };
  let r = await raw('GET', '/ui/api/care/patients');
  ok(r.status === 401 && code(r) === 'no_session', `care/patients without a cookie -> ${r.status}`);
  r = await raw('GET', '/ui/api/clerk/mis?period=2026-11-24');
  ok(r.status === 401, `clerk/mis without a cookie -> ${r.status}`);
  const admit = JSON.stringify({ patient: 'p2', ward: 'ward-med', bed: 3, at: `${D}T18:00` });
  r = await raw('POST', '/ui/api/care/admit', { ...json, Origin: ORIGIN }, admit);
  ok(r.status === 401, `admit without a cookie -> ${r.status}`);
  r = await raw('POST', '/ui/api/care/admit', { ...json, Cookie: cookie, Origin: ORIGIN }, admit);
  ok(r.status === 403 && code(r) === 'bad_csrf', `admit without the CSRF token -> ${r.status} ${code(r)}`);
  r = await raw('POST', '/ui/api/care/admit', { ...json, Cookie: cookie, Origin: ORIGIN, 'X-CSRF-Token': 'f'.repeat(64) }, admit);
  ok(r.status === 403 && code(r) === 'bad_csrf', `admit with a wrong CSRF token -> ${r.status}`);
  r = await raw('POST', '/ui/api/care/admit', { ...json, Cookie: cookie, Origin: 'http://evil.example', 'X-CSRF-Token': me.csrf }, admit);
  ok(r.status === 403 && code(r) === 'bad_origin', `admit from a foreign Origin -> ${r.status}`);
  const ok2 = { ...json, Cookie: cookie, Origin: ORIGIN, 'X-CSRF-Token': me.csrf };
  // strict bodies: an unknown field, a wrong type, a duplicate key, trailing bytes, a bed out of range, no patient
  for (const b of ['{"patient":"p2","ward":"ward-med","bed":3,"extra":1}', '{"patient":"p2","ward":"ward-med","bed":"3"}',
                   '{"patient":"p2","patient":"p3","ward":"ward-med","bed":3}', '{"patient":"p2","ward":"ward-med","bed":3} x',
                   '{"patient":"p2","ward":"ward-med","bed":0}', '{"ward":"ward-med","bed":3}', '[]', '']) {
    r = await raw('POST', '/ui/api/care/admit', ok2, b);
    ok(r.status === 400 && code(r) === 'bad_form', `admit body ${b} -> ${r.status} ${code(r)}`);
  }
  r = await raw('POST', '/ui/api/care/admit', ok2, '{"patient":"../p2","ward":"ward-med","bed":3}');
  ok(r.status === 400 && code(r) === 'bad_patient', `a path as patient -> ${r.status} ${code(r)}`);
  r = await raw('POST', '/ui/api/care/vitals', ok2, '{"patient":"p2","vitals":{"hr=1":"2"}}');
  ok(r.status === 400 && code(r) === 'bad_form', `a vital name with '=' -> ${r.status}`);
  r = await raw('POST', '/ui/api/care/nosuch', ok2, '{}');
  ok(r.status === 404, `an unknown form -> ${r.status}`);
  r = await raw('GET', '/ui/api/care/admit', { Cookie: cookie });
  ok(r.status === 405, `GET on a form -> ${r.status}`);
  // a check writes nothing: the bed stays free for a real admission after it
  r = await raw('POST', '/ui/api/care/admit', ok2, JSON.stringify({ patient: 'p2', ward: 'ward-med', bed: 3, at: `${D}T18:00`, check: true }));
  ok(r.status === 200 && JSON.parse(r.body).check === true, `a check -> ${r.status}`);
  r = await raw('GET', '/ui/api/care/patients', { Cookie: cookie });
  ok(!JSON.parse(r.body).patients.some((p) => p.gid === 'p2' && p.admitted), 'the check admitted nobody');
  r = await raw('GET', '/ui/api/care/patients?patient=%2e%2e%2fp1', { Cookie: cookie });
  ok(r.status === 400 && code(r) === 'bad_patient', `care/patients?patient=../p1 -> ${r.status}`);
}

// the staff list's rows: {gid: {state, role, unit}}
const staffRows = (page) => page.$$eval('#staff-list tbody tr', (trs) => Object.fromEntries(trs.map((tr) =>
  [tr.dataset.gid, { state: tr.dataset.state, role: tr.cells[1].textContent, unit: tr.cells[2].textContent, title: tr.cells[3].textContent }])));

// the hospital admin (hosp-a's own login): takes nurse-n on, is refused dr-z
// (no consent), ends nurse-n's affiliation; others get 403 on her changes
async function hospitalAdmin(browser, doc, cl) {
  const { ctx, page } = await login(browser, 'hosp-a');
  await open(page, 'staff');
  let rows = await staffRows(page);
  ok(['clerk-a', 'dr-a', 'nurse-a'].every((g) => rows[g] && rows[g].state === 'active') && !rows['nurse-n'],
     `the admin's staff list: ${JSON.stringify(rows)}`);
  ok(rows['dr-a'].role === 'doctor' && rows['dr-a'].unit === 'cardiology', `dr-a: doctor in cardiology: ${JSON.stringify(rows['dr-a'])}`);
  const units = await page.$$eval('#staff-unit option', (os) => os.map((o) => o.value));
  ok(['', 'ward-med', 'th-1', 'cardiology'].every((u) => units.includes(u)), `the unit select offers hosp-a's units: ${units}`);
  await axe(page, 'admin staff');
  await shot(page, 'admin-staff');

  // nurse-n (consented): reviewed in plain words, then saved
  await page.fill('#staff-gid', 'nurse-n');
  await page.selectOption('#staff-role', 'nurse');
  await page.selectOption('#staff-unit', 'ward-med');
  await page.fill('#staff-title', 'Staff nurse');
  await page.click('#staff-check');
  await page.waitForSelector('#staff-review:not([hidden])');
  const review = await text(page, '#staff-review');
  ok(/nurse-n will join hosp-a as a nurse in ward-med \(Medical ward\), titled "Staff nurse"/.test(review) &&
     /staff@hosp-a/.test(review) && /ward, clinic sections of hosp-a's ledger/.test(review), `the review in plain words: ${review}`);
  ok(await page.evaluate(() => document.activeElement.id) === 'staff-save', 'the review puts the focus on Save');
  ok(!(await staffRows(page))['nurse-n'], 'nothing saved before Save');
  await axe(page, 'admin staff review');
  await shot(page, 'admin-staff-review');
  await page.click('#staff-save');
  await page.waitForSelector('#staff-add-result .ok, #staff-add-result [role=alert]', { timeout: 60000 });
  ok(/Saved: nurse-n works at hosp-a as a nurse in ward-med/.test(await text(page, '#staff-add-result')),
     `nurse-n taken on: ${await text(page, '#staff-add-result')}`);
  rows = await staffRows(page);
  ok(rows['nurse-n'] && rows['nurse-n'].state === 'active' && rows['nurse-n'].role === 'nurse' && rows['nurse-n'].unit === 'ward-med' &&
     rows['nurse-n'].title === 'Staff nurse', `nurse-n listed active, a nurse in ward-med: ${JSON.stringify(rows['nurse-n'])}`);

  // dr-z did not consent: refused, the node's reason shown (by keyboard: Enter reviews, Enter saves)
  await page.fill('#staff-gid', 'dr-z');
  await page.selectOption('#staff-role', 'doctor');
  await page.focus('#staff-gid');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#staff-review:not([hidden])');
  ok(/dr-z will join hosp-a as a doctor\./.test(await text(page, '#staff-review')), 'dr-z reviewed');
  ok(await page.evaluate(() => document.activeElement.id) === 'staff-save', 'keyboard: the focus on Save');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#staff-add-result .ok, #staff-add-result [role=alert]', { timeout: 60000 });
  const refused = await text(page, '#staff-add-result');
  ok(/^Not saved: dr-z has not consented to work for hosp-a/.test(refused), `dr-z refused with the reason: ${refused}`);
  ok(!(await staffRows(page))['dr-z'], 'dr-z not listed');
  await axe(page, 'admin staff (a refusal shown)');
  await shot(page, 'admin-staff-refused');

  // nurse-n's affiliation ended: confirmed in plain words first
  await page.click('button[aria-label="End nurse-n\'s affiliation"]');
  await page.waitForSelector('#staff-confirm:not([hidden])');
  const confirm = await text(page, '#staff-confirm');
  ok(/nurse-n will no longer work for hosp-a/.test(confirm) && /staff@hosp-a\) is revoked/.test(confirm) &&
     /write grants on hosp-a's ledger/.test(confirm), `the confirmation says what is revoked: ${confirm}`);
  ok(await page.evaluate(() => document.activeElement.id) === 'staff-end-confirm', 'the confirmation takes the focus');
  await page.click('#staff-end-keep');
  ok((await staffRows(page))['nurse-n'].state === 'active', 'Keep changes nothing');
  await page.click('button[aria-label="End nurse-n\'s affiliation"]');
  await axe(page, 'admin staff confirmation');
  await shot(page, 'admin-staff-end-confirm');
  await page.click('#staff-end-confirm');
  await page.waitForSelector('#staff-end-result .ok, #staff-end-result [role=alert]', { timeout: 60000 });
  ok(/nurse-n left hosp-a\. Revoked: 1 key\(s\), [12] grant\(s\) on hosp-a's ledger/.test(await text(page, '#staff-end-result')),
     `nurse-n's affiliation ended: ${await text(page, '#staff-end-result')}`);
  rows = await staffRows(page);
  ok(rows['nurse-n'] && rows['nurse-n'].state === 'ended' && rows['nurse-n'].role === 'nurse', `nurse-n listed as ended: ${JSON.stringify(rows['nurse-n'])}`);
  ok(['clerk-a', 'dr-a', 'nurse-a'].every((g) => rows[g].state === 'active'), 'the others still active');
  ok(/3 people work at hosp-a now; 1 affiliation ended/.test(await text(page, '#staff-summary')), `summary: ${await text(page, '#staff-summary')}`);
  ok(!(await page.$('button[aria-label="End nurse-n\'s affiliation"]')), 'no End button on an ended row');
  await axe(page, 'admin staff (ended)');
  await shot(page, 'admin-staff-ended');

  // the JSON API: no CSRF, strict bodies, the node's refusals with their codes, the wrong method
  const cookie = 'ck_session=' + (await ctx.cookies()).find((k) => k.name === 'ck_session').value;
  const me = JSON.parse((await raw('GET', '/ui/api/me', { Cookie: cookie })).body);
  const json = { 'Content-Type': 'application/json', Cookie: cookie, Origin: ORIGIN };
  const good = JSON.stringify({ gid: 'nurse-n', role: 'nurse' });
  let r = await raw('POST', '/ui/api/staff/add', json, good);
  ok(r.status === 403 && code(r) === 'bad_csrf', `staff/add without the CSRF token -> ${r.status} ${code(r)}`);
  r = await raw('POST', '/ui/api/staff/end', { ...json, 'X-CSRF-Token': 'f'.repeat(64) }, '{"gid":"dr-a"}');
  ok(r.status === 403 && code(r) === 'bad_csrf', `staff/end with a wrong CSRF token -> ${r.status} ${code(r)}`);
  r = await raw('POST', '/ui/api/staff/add', { 'Content-Type': 'application/json', Origin: ORIGIN }, good);
  ok(r.status === 401, `staff/add without a cookie -> ${r.status}`);
  const h = { ...json, 'X-CSRF-Token': me.csrf };
  for (const [b, why] of [['{"gid":"nurse-n","role":"nurse","admin":true}', /unknown field 'admin'/], ['{"gid":"nurse-n","gid":"x","role":"nurse"}', /twice/],
                          ['{"gid":"nurse-n","role":"surgeon"}', /role/], ['{"gid":"../x","role":"nurse"}', /gid/], ['{"gid":"nurse-n","role":7}', /role/],
                          ['{"gid":"nurse-n","role":"nurse","title":""}', /title/], ['{"gid":"nurse-n","role":"nurse"} x', /JSON/], ['[]', /JSON/]]) {
    r = await raw('POST', '/ui/api/staff/add', h, b);
    ok(r.status === 400 && code(r) === 'bad_form' && why.test(JSON.parse(r.body).error.message), `staff/add body ${b} -> ${r.status} ${r.body.slice(0, 120)}`);
  }
  for (const b of ['{"gid":"nurse-n","reason":"left"}', '{"gid":1}', '{}']) {
    r = await raw('POST', '/ui/api/staff/end', h, b);
    ok(r.status === 400 && code(r) === 'bad_form', `staff/end body ${b} -> ${r.status} ${code(r)}`);
  }
  r = await raw('POST', '/ui/api/staff/add', h, JSON.stringify({ gid: 'nurse-n', role: 'doctor' }));
  ok(r.status === 422 && code(r) === 'wrong_role', `a nurse taken on as a doctor -> ${r.status} ${code(r)}`);
  r = await raw('POST', '/ui/api/staff/add', h, JSON.stringify({ gid: 'nobody-here', role: 'nurse' }));
  ok(r.status === 404 && code(r) === 'user_not_found', `an unknown person -> ${r.status} ${code(r)}`);
  r = await raw('POST', '/ui/api/staff/add', h, JSON.stringify({ gid: 'nurse-n', role: 'nurse', unit: 'nowhere' }));
  ok(r.status === 422 && code(r) === 'no_such_unit', `a unit hosp-a does not have -> ${r.status} ${code(r)}`);
  r = await raw('POST', '/ui/api/staff/end', h, '{"gid":"nurse-n"}');
  ok(r.status === 404 && code(r) === 'not_staff', `ending an ended affiliation -> ${r.status} ${code(r)}`);
  r = await raw('GET', '/ui/api/staff/add', { Cookie: cookie });
  ok(r.status === 405, `GET on staff/add -> ${r.status}`);
  r = await raw('POST', '/ui/api/staff', h, '{}');
  ok(r.status === 405, `POST on the staff list -> ${r.status}`);
  r = await raw('GET', '/ui/api/staff/nosuch', { Cookie: cookie });
  ok(r.status === 404, `an unknown staff route -> ${r.status}`);
  await denied(page, 'hosp-a');
  // a doctor and the clerk: 403 on her changes (the nurse's were checked in nurse())
  for (const [gid, c] of [['dr-a', doc], ['clerk-a', cl]]) {
    const st = await c.page.evaluate(async () => {
      const m = await (await fetch('/ui/api/me')).json();
      const res = await fetch('/ui/api/staff/add', { method: 'POST', headers: { 'X-CSRF-Token': m.csrf, 'Content-Type': 'application/json' },
                                                     body: JSON.stringify({ gid: 'nurse-n', role: 'nurse' }) });
      return { status: res.status, code: (await res.json()).error.code };
    });
    ok(st.status === 403 && st.code === 'not_for_role', `${gid}: POST /ui/api/staff/add -> ${st.status} ${st.code}`);
  }
  // phone-sized (her one page is shown already: loaded again)
  await page.setViewportSize({ width: 390, height: 800 });
  await page.reload();
  await page.waitForSelector('#view[data-view="staff"]', { timeout: 60000 });
  await axe(page, 'admin staff (phone)');
  await shot(page, 'admin-phone');
  await ctx.close();
}

// ==== the staff page's extra attributes and care team (issue 12) ==========
// hosp-a takes nurse-x on with level@hosp-a=3 and icu@hosp-a (reviewed in
// plain words, listed), runs p1's care team (nurse-x's grant; again: none
// new; nurse-x alone: none new), is refused p4's (p4 lets hosp-a read her
// record but made only hosp-b her delegate: not_delegate shown); the JSON API's strict bodies with their
// codes, CSRF, the method; 403 for a doctor and the clerk. The world:
// tests/ui/care_ui_test.sh ("the staff page's extra attributes").
const attrRows = (page) => page.$$eval('#staff-list tbody tr', (trs) => Object.fromEntries(trs.map((tr) =>
  [tr.dataset.gid, { state: tr.dataset.state, attrs: tr.querySelector('td.attrs')?.textContent || '' }])));

async function teamRun(page, patient, gids = []) {
  await page.fill('#team-patient', patient);
  for (const c of await page.$$('#team-staff input[name=team-gid]')) {
    if (gids.includes(await c.getAttribute('value'))) await c.check(); else await c.uncheck();
  }
  await page.click('#team-check');
  await page.waitForSelector('#team-review:not([hidden]), #team-result [role=alert]', { timeout: 60000 });
  const review = await text(page, '#team-review');
  await page.click('#team-save');
  await page.waitForSelector('#team-result .ok, #team-result [role=alert]', { timeout: 60000 });
  return { review, done: !!(await page.$('#team-result .ok')), text: await text(page, '#team-result') };
}

async function staffExtras(browser, doc, cl) {
  const { ctx, page } = await login(browser, 'hosp-a');
  await open(page, 'staff');
  // nurse-x with two more attributes of hosp-a: the review says them, the list shows them
  await page.fill('#staff-gid', 'nurse-x');
  await page.selectOption('#staff-role', 'nurse');
  await page.fill('#staff-attrs', 'icu@hosp-b');
  await page.click('#staff-check');
  await page.waitForSelector('#staff-add-result [role=alert]');
  ok(/icu@hosp-b: not an attribute of hosp-a/.test(await text(page, '#staff-add-result')) && await page.$eval('#staff-review', (e) => e.hidden),
     `another authority's attribute stopped before the review: ${await text(page, '#staff-add-result')}`);
  await page.fill('#staff-attrs', 'level@hosp-a=3, icu@hosp-a');
  await page.click('#staff-check');
  await page.waitForSelector('#staff-review:not([hidden])');
  const review = await text(page, '#staff-review');
  ok(/nurse-x will join hosp-a as a nurse\./.test(review) &&
     /staff@hosp-a, and 2 more keys of hosp-a: level@hosp-a with the value 3; icu@hosp-a, are issued to nurse-x/.test(review),
     `the review names the extra attributes: ${review}`);
  await axe(page, 'admin staff review (extra attributes)');
  await shot(page, 'admin-staff-extras-review');
  await page.click('#staff-save');
  await page.waitForSelector('#staff-add-result .ok, #staff-add-result [role=alert]', { timeout: 60000 });
  ok(/Saved: nurse-x works at hosp-a as a nurse, with level@hosp-a=3, icu@hosp-a\./.test(await text(page, '#staff-add-result')),
     `nurse-x taken on with extras: ${await text(page, '#staff-add-result')}`);
  let rows = await attrRows(page);
  ok(rows['nurse-x'] && rows['nurse-x'].state === 'active' && ['staff@hosp-a', 'level@hosp-a', 'icu@hosp-a'].every((a) => rows['nurse-x'].attrs.includes(a)),
     `nurse-x listed with her attributes of hosp-a: ${JSON.stringify(rows['nurse-x'])}`);
  ok(/staff@hosp-a/.test(rows['dr-a'].attrs) && !/@hosp-b|@medical-board/.test(rows['dr-a'].attrs + rows['nurse-x'].attrs),
     `only attributes of hosp-a listed: ${JSON.stringify(rows)}`);
  const boxes = await page.$$eval('#team-staff input[name=team-gid]', (cs) => cs.map((c) => c.value));
  ok(['clerk-a', 'dr-a', 'nurse-a', 'nurse-x'].every((g) => boxes.includes(g)) && !boxes.includes('nurse-n'),
     `the care team offers the active staff, nurse-x too: ${boxes}`);

  // p1's care team: every active member; nurse-x is the one without a grant
  let r = await teamRun(page, 'p1');
  ok(/hosp-a, as p1's delegate, gives every active staff member of hosp-a \(4 now\)/.test(r.review) &&
     /nurse-x \(nurse\): encounters, allergies, results, careplans\./.test(r.review) && /nothing is given twice/.test(r.review),
     `the care team reviewed in plain words: ${r.review}`);
  ok(r.done && /Done: 1 new grant\(s\) given on p1's record, 4 staff member\(s\) considered \(every active one of hosp-a\)/.test(r.text),
     `p1's care team: nurse-x's grant: ${r.text}`);
  await axe(page, 'admin care team (done)');
  await shot(page, 'admin-care-team');
  r = await teamRun(page, 'p1');
  ok(r.done && /Done: 0 new grant\(s\) given on p1's record, 4 staff member\(s\) considered/.test(r.text), `again: none new: ${r.text}`);
  r = await teamRun(page, 'p1', ['nurse-x']);
  ok(/gives nurse-x a write grant/.test(r.review) && !/dr-a/.test(r.review), `nurse-x alone reviewed: ${r.review}`);
  ok(r.done && /Done: 0 new grant\(s\) given on p1's record, 1 staff member\(s\) considered\./.test(r.text), `nurse-x alone: ${r.text}`);
  r = await teamRun(page, 'p4');
  ok(!r.done && /^Not done: .*not a delegate of p4.*\(not_delegate\)/.test(r.text), `p4 did not delegate to hosp-a: ${r.text}`);
  await axe(page, 'admin care team (refused)');
  await shot(page, 'admin-care-team-refused');

  // the JSON API
  const cookie = 'ck_session=' + (await ctx.cookies()).find((k) => k.name === 'ck_session').value;
  const me = JSON.parse((await raw('GET', '/ui/api/me', { Cookie: cookie })).body);
  const json = { 'Content-Type': 'application/json', Cookie: cookie, Origin: ORIGIN };
  const h = { ...json, 'X-CSRF-Token': me.csrf };
  let x = await raw('POST', '/ui/api/staff/care-team', json, '{"patient":"p1"}');
  ok(x.status === 403 && code(x) === 'bad_csrf', `staff/care-team without the CSRF token -> ${x.status} ${code(x)}`);
  x = await raw('POST', '/ui/api/staff/add', json, '{"gid":"nurse-x","role":"nurse","attributes":["icu@hosp-a"]}');
  ok(x.status === 403 && code(x) === 'bad_csrf', `staff/add with attributes without the CSRF token -> ${x.status} ${code(x)}`);
  const many = JSON.stringify({ gid: 'nurse-x', role: 'nurse', attributes: [...Array(33).keys()].map((i) => `a${i}@hosp-a`) });
  for (const [b, c] of [['{"gid":"nurse-x","role":"nurse","attributes":["icu@hosp-b"]}', 'foreign_attribute'],
                        ['{"gid":"nurse-x","role":"nurse","attributes":["level@hosp-a=3","level@hosp-a=4"]}', 'duplicate_attribute'],
                        ['{"gid":"nurse-x","role":"nurse","attributes":["staff@hosp-a"]}', 'duplicate_attribute'],
                        ['{"gid":"nurse-x","role":"nurse","attributes":["a b@hosp-a"]}', 'bad_attribute'],
                        ['{"gid":"nurse-x","role":"nurse","attributes":["level@hosp-a=99999999999"]}', 'bad_attribute'],
                        ['{"gid":"nurse-x","role":"nurse","attributes":[7]}', 'bad_attribute'],
                        [many, 'too_many_attributes'],
                        ['{"gid":"nurse-x","role":"nurse","attributes":[]}', 'bad_form'],
                        ['{"gid":"nurse-x","role":"nurse","attributes":"icu@hosp-a"}', 'bad_form']]) {
    x = await raw('POST', '/ui/api/staff/add', h, b);
    ok(x.status === 400 && code(x) === c, `staff/add body ${b.slice(0, 90)} -> ${x.status} ${code(x)}, want 400 ${c}`);
  }
  for (const b of ['{"patient":"p1","confirm":true}', '{"patient":"p1","patient":"p2"}', '{"gids":["dr-a"]}', '{"patient":"../p1"}',
                   '{"patient":"p1","gids":[]}', '{"patient":"p1","gids":["dr-a","dr-a"]}', '{"patient":"p1","gids":"dr-a"}',
                   '{"patient":"p1"} x', '[]', '']) {
    x = await raw('POST', '/ui/api/staff/care-team', h, b);
    ok(x.status === 400 && code(x) === 'bad_form', `staff/care-team body ${b} -> ${x.status} ${code(x)}`);
  }
  x = await raw('POST', '/ui/api/staff/care-team', h, '{"patient":"p1","gids":["nurse-n"]}');
  ok(x.status === 422 && code(x) === 'not_staff', `a care team with someone who left -> ${x.status} ${code(x)}`);
  x = await raw('POST', '/ui/api/staff/care-team', h, '{"patient":"p4"}');
  ok(x.status === 422 && code(x) === 'not_delegate', `p4's care team -> ${x.status} ${code(x)}`);
  x = await raw('GET', '/ui/api/staff/care-team', { Cookie: cookie });
  ok(x.status === 405, `GET on staff/care-team -> ${x.status}`);
  x = await raw('POST', '/ui/api/staff/care-team', { 'Content-Type': 'application/json', Origin: ORIGIN }, '{"patient":"p1"}');
  ok(x.status === 401, `staff/care-team without a cookie -> ${x.status}`);
  for (const [gid, c] of [['dr-a', doc], ['clerk-a', cl]]) {
    const st = await c.page.evaluate(async () => {
      const m = await (await fetch('/ui/api/me')).json();
      const res = await fetch('/ui/api/staff/care-team', { method: 'POST', headers: { 'X-CSRF-Token': m.csrf, 'Content-Type': 'application/json' },
                                                           body: JSON.stringify({ patient: 'p1' }) });
      return { status: res.status, code: (await res.json()).error.code };
    });
    ok(st.status === 403 && st.code === 'not_for_role', `${gid}: POST /ui/api/staff/care-team -> ${st.status} ${st.code}`);
  }
  await ctx.close();
}
// ==== end of the staff page's extra attributes and care team ===============

// the organization's own login (hosp-a) reads the clerk's boards: its ledger is sealed
// for staff@hosp-a, which its keyring does not hold; its node makes that key from the
// authority hosp-a it runs, for each read (src/node/care/ledger_key.c). Run after
// hospitalAdmin, whose ending of nurse-n moved staff@hosp-a to a new epoch: the key
// follows, and the figures are the clerk's.
async function organizationBoards(browser, cl) {
  const { ctx, page } = await login(browser, 'hosp-a');
  const getJson = (p, u) => p.evaluate(async (x) => { const r = await fetch(x); return { status: r.status, body: await r.text() }; }, u);
  for (const u of ['/ui/api/clerk/census', `/ui/api/clerk/schedule?period=${D}..${D2}`, `/ui/api/clerk/theatre?period=${D}..${D2}`,
                   `/ui/api/clerk/mis?period=${D}`]) {
    const mine = await getJson(page, u), clerks = await getJson(cl.page, u);
    ok(mine.status === 200 && clerks.status === 200 && mine.body === clerks.body,
       `hosp-a: GET ${u} -> ${mine.status}, the clerk's figures (${clerks.status}): ${mine.body.slice(0, 160)}`);
  }
  const census = JSON.parse((await getJson(page, '/ui/api/clerk/census')).body);
  ok(census.org === 'hosp-a' && census.withheld === 0 && census.census.length === 1, `hosp-a's census: ${JSON.stringify(census).slice(0, 200)}`);

  await open(page, 'census');
  ok(/1 of 6 beds taken at hosp-a/.test(await text(page, '#census-summary')), `hosp-a census: ${await text(page, '#census-summary')}`);
  ok(/p3/.test(await text(page, '.ward[data-ward="ward-surg"] .bed[data-bed="1"]')), 'hosp-a census: p3 in ward-surg bed 1');
  await axe(page, 'organization census');
  await shot(page, 'org-census');

  await page.evaluate(() => sessionStorage.setItem('ck-week', '2026-11-25'));
  await open(page, 'calendar');
  await page.waitForSelector('#calendar .slot');
  const slots = await page.$$eval('#calendar .slot', (ls) => ls.map((l) => l.textContent));
  ok(slots.length === 3 && /09:00 dr-a: p2 \(checked-in\)/.test(slots[0]) && /09:20 dr-a: p1/.test(slots[1]),
     `hosp-a's week calendar: ${slots}`);
  ok(!(await page.$('#slots-check')) && !(await page.$('#appointment-check')) && /Read-only/.test(await text(page, '#calendar-readonly')),
     'hosp-a\'s calendar is read-only: no slot or booking forms');
  await axe(page, 'organization calendar');
  await shot(page, 'org-calendar');

  await page.evaluate(() => sessionStorage.setItem('ck-week', '2026-11-24'));
  await open(page, 'theatres');
  ok(/th-1: 1 booking$/.test(await text(page, '[data-theatre="th-1"] h2')) && /Appendectomy/.test(await text(page, '[data-theatre="th-1"]')),
     'hosp-a\'s theatre board: th-1 holds the appendectomy');
  await axe(page, 'organization theatres');

  await page.evaluate((d) => sessionStorage.setItem('ck-mis-period', d), D);
  await open(page, 'mis');
  await page.waitForSelector('.mis-report');
  for (const [rep, row, col, v] of [['admissions', 'total', 'Admissions', '3'], ['admissions', 'total', 'Discharges', '2'],
                                    ['occupancy', 'ward-surg', 'Occupancy %', '31.3'], ['theatre', 'total', 'Sessions', '2']]) {
    const got = await misCell(page, rep, row, col);
    ok(got === v, `hosp-a's MIS ${rep} ${row} ${col}: ${got}, want ${v}`);
  }
  await axe(page, 'organization mis');
  await shot(page, 'org-mis');
  await ctx.close();
}

function secrets() {
  for (const [u, b] of bodies) if (b.includes(PASS)) ok(false, `the passphrase in ${u}`);
  ok(bodies.length > 20, `responses scanned for the passphrase: ${bodies.length}`);
}

fs.mkdirSync(SHOTS, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.UI_CHROMIUM, args: ['--no-sandbox'] });
await finish('care_journey', browser, async () => {
  const doc = await doctor(browser);
  await nurse(browser);
  const cl = await clerk(browser);
  await security(doc);
  await hospitalAdmin(browser, doc, cl); // last: ending an affiliation moves hosp-a's keys to a new epoch
  await staffExtras(browser, doc, cl); // after it: nurse-x's extras, p1's care team
  await organizationBoards(browser, cl); // after: its key follows staff@hosp-a's new epoch
  secrets();
  await doc.ctx.close();
  await cl.ctx.close();
});
