// tests/ui/ui_patient.mjs - the patient's changes in headless Chromium: she
// invites a second family member (fam-2) from her sharing page, who then
// reads her record, and ends that access (her family key revoked by epoch);
// she takes back her first family member's access (reviewed in plain words
// first) and the family member's report is refused, then invites her again
// and the report returns; a refused change shows the node's reason;
// a FHIR bundle imported with the progress bar ends with the record shown;
// research publishing. Security of the new routes (cookie, CSRF, Origin,
// Host, role), axe-core on each new page, screenshots, and no passphrase or
// key in any response. Runs after ui.mjs (tests/ui/ui_test.sh), same world.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, ok, axe, finish, shotter, code, rawClient } from './lib/journey.mjs';

const URL0 = process.env.UI_URL;
const PASS = process.env.UI_PASSPHRASE;
const SHOTS = process.env.UI_SHOTS;
const FIX = process.env.UI_FIXTURE;
const port = Number(new URL(URL0).port);
const origin = `http://127.0.0.1:${port}`;
const keyHex = (process.env.UI_KEYHEX && fs.existsSync(process.env.UI_KEYHEX)
  ? fs.readFileSync(process.env.UI_KEYHEX, 'utf8').split(/\s+/).filter((h) => h.length >= 64) : []);
const bodies = [];

const raw = rawClient(port);

const shot = shotter(SHOTS);

async function login(browser, gid) {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await ctx.newPage();
  page.on('response', async (res) => {
    try {
      const t = res.headers()['content-type'] || '';
      if (/json|html|javascript|css|text/.test(t)) bodies.push([res.url(), await res.text()]);
    } catch { /* not kept */ }
  });
  await page.goto(URL0 + '/');
  await page.fill('#gid', gid);
  await page.fill('#passphrase', PASS);
  await page.click('button[type=submit]');
  await page.waitForURL('**/app.html');
  await page.waitForSelector('#menu a');
  const cookie = 'ck_session=' + (await ctx.cookies()).find((k) => k.name === 'ck_session').value;
  const me = JSON.parse((await raw('GET', '/ui/api/me', { Cookie: cookie })).body);
  return { ctx, page, cookie, csrf: me.csrf };
}

async function open(page, id) {
  const same = (await page.evaluate(() => location.hash)) === '#' + id;
  await page.evaluate(() => { delete document.getElementById('view').dataset.view; });
  if (same) await page.reload(); // the same hash fires no hashchange
  else await page.goto(`${URL0}/app.html#${id}`);
  await page.waitForSelector(`#view[data-view="${id}"], #status.error`, { timeout: 60000 });
}

// the family member's personal report: 'shown' (its blocks) or the refusal's text
async function familyView(page) {
  await open(page, 'personal');
  await page.waitForSelector('#report .report-block, #report [role=alert]', { timeout: 60000 });
  const alert = await page.$('#report [role=alert]');
  return alert ? await alert.textContent() : 'shown';
}

// a sharing change through the form: review in plain words, then save (or not)
async function change(page, { action, grantee, sections = [], expires = '', hospitals }, save = true) {
  await open(page, 'sharing');
  await page.check(`#change-form input[name=action][value=${action}]`);
  if (hospitals !== undefined) await page.fill('#change-hospitals', hospitals);
  else await page.fill('#change-grantee', grantee);
  for (const s of sections) await page.check(`#change-sections input[value=${s}]`);
  if (expires) await page.fill('#change-expires', expires);
  await page.click('#change-preview');
  await page.waitForSelector('#change-plain, #change-error');
  const err = await page.$('#change-error');
  if (err) return { error: await err.textContent() };
  const plain = await page.textContent('#change-plain');
  if (!save) return { plain };
  await page.click('#change-save');
  await page.waitForSelector('#change-done, #change-error', { timeout: 60000 });
  const err2 = await page.$('#change-error');
  return err2 ? { plain, error: await err2.textContent() } : { plain, done: await page.textContent('#change-done') };
}

// a bundle of new results for pt-1: her Patient entry and 60 observations of
// the fixture under fresh ids (so the import adds them)
function smallBundle() {
  const b = JSON.parse(fs.readFileSync(FIX, 'utf8'));
  const pat = b.entry.find((e) => e.resource.resourceType === 'Patient');
  const obs = b.entry.filter((e) => e.resource.resourceType === 'Observation').slice(0, 60).map((e) => {
    const c = JSON.parse(JSON.stringify(e));
    const id = crypto.randomUUID();
    c.fullUrl = 'urn:uuid:' + id;
    c.resource.id = id;
    if (c.request) c.request.url = 'Observation';
    return c;
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ck-ui-')), 'new-results.json');
  fs.writeFileSync(file, JSON.stringify({ resourceType: 'Bundle', type: b.type, entry: [pat, ...obs] }));
  return file;
}

async function resultsCount(page) {
  await open(page, 'record');
  const h = await page.$$eval('#view h2', (hs) => hs.map((x) => x.textContent));
  const m = h.map((t) => /^Results \((\d+)/.exec(t)).find(Boolean);
  return m ? Number(m[1]) : -1;
}

// the same person logged in again (a fresh login merges the keys waiting in her mailbox)
async function relogin(browser, who, gid) {
  await who.ctx.close();
  return login(browser, gid);
}

// what a login answers (role), without a browser
async function loginRole(gid) {
  const r = await raw('POST', '/ui/api/login', { 'Content-Type': 'application/json', Origin: origin },
                      JSON.stringify({ gid, passphrase: PASS }));
  let me;
  try { me = JSON.parse(r.body); } catch { return `HTTP ${r.status}`; }
  const cookie = (r.headers['set-cookie'] || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('ck_session='));
  if (cookie) await raw('POST', '/ui/api/logout', { Origin: origin, Cookie: cookie, 'X-CSRF-Token': me.csrf || '' });
  return me.role || `HTTP ${r.status}`;
}

// pt-1 invites fam-2 (enrolled, not yet her family) from her sharing page, fam-2
// reads her record, pt-1 ends that access from the family list
async function familyJourney(browser, pt, fam) {
  const json = { 'Content-Type': 'application/json' };
  const q = '/ui/api/sharing/change?patient=pt-1';
  ok((await loginRole('fam-2')) === 'none', 'fam-2 before the invitation: no family role');
  await open(pt.page, 'sharing');
  ok(/fam-1 holds your family key: .* can fetch your record/.test(await pt.page.textContent('#family-list')),
     'sharing: fam-1 listed as family');
  // reviewed, not saved: nothing given
  let r = await change(pt.page, { action: 'family', grantee: 'fam-2' }, false);
  ok(/^fam-2 will get your family key \(family@patient-pt-1\): she will be able to read what your sharing rules give family: your [a-z, ]+, and fetch your record/.test(r.plain || ''),
     `invitation said in plain words: ${JSON.stringify(r)}`);
  ok(/allergies/.test(r.plain || '') && !/results/.test(r.plain || ''), `what family read: ${r.plain}`);
  await axe(pt.page, 'patient sharing invitation review');
  await shot(pt.page, 'patient-family-review');
  ok((await loginRole('fam-2')) === 'none', 'fam-2 after a review that was not saved: still no family role');
  // refused: no CSRF token, a bad body, an unknown person
  r = await raw('POST', q, { ...json, Origin: origin, Cookie: pt.cookie }, JSON.stringify({ action: 'family', gid: 'fam-2', confirm: true }));
  ok(r.status === 403 && code(r) === 'bad_csrf', `invitation without a CSRF token -> ${r.status}`);
  for (const b of [{ action: 'family', gid: 'fam-2', access: 'read' }, { action: 'family', grantee: 'fam-2' },
                   { action: 'family', gid: '../fam-2' }, { action: 'family', gid: 'fam-2', confirm: 'yes' }]) {
    r = await raw('POST', q, { ...json, Origin: origin, Cookie: pt.cookie, 'X-CSRF-Token': pt.csrf }, JSON.stringify(b));
    ok(r.status === 400 && code(r) === 'bad_change', `invitation body ${JSON.stringify(b)} -> ${r.status} ${code(r)}`);
  }
  r = await raw('POST', q, { ...json, Origin: origin, Cookie: fam.cookie, 'X-CSRF-Token': fam.csrf },
                JSON.stringify({ action: 'family', gid: 'fam-2', confirm: true }));
  ok(r.status === 403 && code(r) === 'not_for_role', `the family member invites -> ${r.status}`);
  r = await change(pt.page, { action: 'family', grantee: 'nobody-here' }, false);
  ok(/Not saved: nobody-here is not enrolled in carekey/.test(r.error || ''), `an unknown person invited: ${JSON.stringify(r)}`);
  r = await raw('POST', q, { ...json, Origin: origin, Cookie: pt.cookie, 'X-CSRF-Token': pt.csrf },
                JSON.stringify({ action: 'family', gid: 'nobody-here', confirm: true }));
  ok(r.status === 404 && code(r) === 'user_not_found', `an unknown person invited (saved) -> ${r.status} ${code(r)}`);
  ok((await loginRole('fam-2')) === 'none', 'fam-2 after the refused requests: still no family role');
  // saved: listed, and she reads pt-1's record at her next login
  r = await change(pt.page, { action: 'family', grantee: 'fam-2' });
  ok(r.done && /Saved: fam-2 will get your family key/.test(r.done), `invitation saved: ${JSON.stringify(r)}`);
  ok(/fam-2 holds your family key: .* can fetch your record/.test(await pt.page.textContent('#family-list')),
     'sharing: fam-2 listed as family');
  ok(/fam-2 can fetch your record/.test(await pt.page.textContent('#readers-plain')), 'sharing: fam-2 listed as a reader');
  await shot(pt.page, 'patient-family-invited');
  r = await change(pt.page, { action: 'family', grantee: 'fam-2' }, false);
  ok(/Not saved: fam-2 is already your family/.test(r.error || ''), `invited twice: ${JSON.stringify(r)}`);
  let fam2 = await login(browser, 'fam-2');
  const menu = await fam2.page.$$eval('#menu a', (as) => as.map((a) => a.id.replace('menu-', '')));
  ok(menu.join() === 'personal', `fam-2's menu after the invitation: ${menu}`);
  ok((await familyView(fam2.page)) === 'shown', 'fam-2: the personal report of pt-1');
  ok((await fam2.page.$('.report-block[data-block=demographics] table')) !== null &&
     (await fam2.page.$('.report-block[data-block=medications] table')) !== null, 'fam-2: pt-1\'s demographics and medications');
  await axe(fam2.page, 'fam-2 personal');
  await shot(fam2.page, 'family2-personal');
  // ended from the family list: reviewed (the key goes too), saved; her report is refused
  await open(pt.page, 'sharing');
  await pt.page.click('#family-list button[data-gid="fam-2"]');
  await pt.page.waitForSelector('#change-plain, #change-error');
  const plain = await pt.page.textContent('#change-review');
  ok(/fam-2 will no longer be able to fetch or add to your record/.test(plain) &&
     /Her family key \(family@patient-pt-1\) is revoked too: what is written to your record from now on is sealed for a new family key/.test(plain),
     `end of access said in plain words: ${plain}`);
  await axe(pt.page, 'patient sharing end of access review');
  ok((await familyView(fam2.page)) === 'shown', 'fam-2: still shown after a review that was not saved');
  await pt.page.click('#change-save');
  await pt.page.waitForSelector('#change-done, #change-error', { timeout: 60000 });
  const err = await pt.page.$('#change-error');
  const done = err ? await err.textContent() : await pt.page.textContent('#change-done');
  ok(!err && /Saved: fam-2 will no longer/.test(done), `end of access saved: ${done}`);
  ok(!/fam-2/.test(await pt.page.textContent('#family-list')) && /fam-1/.test(await pt.page.textContent('#family-list')),
     'sharing: fam-2 no longer family, fam-1 still');
  ok(!/fam-2 can fetch/.test(await pt.page.textContent('#view')), 'sharing: fam-2 no longer listed as a reader');
  const after = await familyView(fam2.page);
  ok(after !== 'shown' && /standing|forbidden|refused|403/i.test(after), `fam-2 after the end of her access: ${after}`);
  await shot(fam2.page, 'family2-personal-ended');
  fam2 = await relogin(browser, fam2, 'fam-2');
  const again = await familyView(fam2.page);
  ok(again !== 'shown' && /standing|forbidden|refused|403/i.test(again), `fam-2 logged in again: ${again}`);
  await fam2.ctx.close();
  r = await change(pt.page, { action: 'revoke', grantee: 'fam-2' });
  ok(/Not saved: .*no active grant/i.test(r.error || ''), `ending it twice: ${JSON.stringify(r)}`);
  // fam-1 picks up the family key re-issued at the new epoch at her next login
  fam = await relogin(browser, fam, 'fam-1');
  ok((await familyView(fam.page)) === 'shown', 'fam-1: the personal report after fam-2 left');
  return fam;
}

async function sharingJourney(browser, pt, fam) {
  ok((await familyView(fam.page)) === 'shown', 'family: the personal report before the change');
  await open(pt.page, 'sharing');
  ok(/fam-1 can fetch your record/.test(await pt.page.textContent('#readers-plain')), 'sharing: fam-1 listed as a reader');
  await axe(pt.page, 'patient sharing with the change form');
  // review only: nothing changes until saved
  let r = await change(pt.page, { action: 'revoke', grantee: 'fam-1' }, false);
  ok(/fam-1 will no longer be able to fetch/.test(r.plain || ''), `revoke said in plain words: ${JSON.stringify(r)}`);
  await axe(pt.page, 'patient sharing review');
  await shot(pt.page, 'patient-sharing-review');
  ok((await familyView(fam.page)) === 'shown', 'family: still shown after a review that was not saved');
  ok(/Her family key \(family@patient-pt-1\) is revoked too/.test(r.plain || ''), `the review says the key goes: ${r.plain}`);
  // saved: the family member's view is refused
  r = await change(pt.page, { action: 'revoke', grantee: 'fam-1' });
  ok(r.done && /Saved/.test(r.done), `revoke saved: ${JSON.stringify(r)}`);
  ok(!/fam-1 holds your family key/.test(await pt.page.textContent('#family-list')), 'sharing: fam-1 no longer family');
  ok(!/fam-1 can fetch/.test(await pt.page.textContent('#view')), 'sharing: fam-1 no longer listed as a reader');
  const after = await familyView(fam.page);
  ok(after !== 'shown' && /standing|forbidden|refused|403/i.test(after), `family after the revocation: ${after}`);
  await shot(fam.page, 'family-personal-revoked');
  // a read grant alone is what the page reviews for reading (not saved: her key is gone)
  r = await change(pt.page, { action: 'read', grantee: 'fam-1' }, false);
  ok(/fam-1 will be able to fetch your record/.test(r.plain || ''), `read grant words: ${JSON.stringify(r)}`);
  // invited again (a new family key and a read grant): at her next login the report returns
  r = await change(pt.page, { action: 'family', grantee: 'fam-1' });
  ok(/fam-1 will get your family key \(family@patient-pt-1\)/.test(r.plain || '') && r.done,
     `fam-1 invited again: ${JSON.stringify(r)}`);
  ok(/sealed for an older family key: it stays closed to her \(unless she held that key\)/.test(r.plain || ''),
     `the review says what an older key sealed: ${r.plain}`);
  fam = await relogin(browser, fam, 'fam-1');
  ok((await familyView(fam.page)) === 'shown', 'family: the personal report is back');
  ok((await fam.page.$('.report-block[data-block=medications] table')) !== null, 'family: her medications read again');
  // a write grant with sections and an end, reviewed and not saved
  r = await change(pt.page, { action: 'write', grantee: 'dr-a', sections: ['allergies', 'problems'], expires: '30d' }, false);
  ok(/dr-a will be able to add to your allergies and problems until 20\d\d-/.test(r.plain || ''), `write grant words: ${r.plain}`);
  // refused changes show the reason: bad input (the page's parser) and the node's refusal
  r = await change(pt.page, { action: 'write', grantee: 'dr-a' }, false);
  ok(/sections must list/.test(r.error || ''), `no sections: ${JSON.stringify(r)}`);
  r = await change(pt.page, { action: 'read', grantee: 'fam-1', expires: 'yesterday' }, false);
  ok(/expires must be a time in the future/.test(r.error || ''), `bad expiry: ${JSON.stringify(r)}`);
  r = await change(pt.page, { action: 'read', grantee: 'nobody-here' });
  ok(/Not saved: .*not found/i.test(r.error || ''), `a person the server does not know: ${JSON.stringify(r)}`);
  await axe(pt.page, 'patient sharing refusal');
  await shot(pt.page, 'patient-sharing-refused');
  r = await change(pt.page, { action: 'revoke', grantee: 'nobody-here' });
  ok(/Not saved: .*no active grant/i.test(r.error || ''), `revoking what nobody holds: ${JSON.stringify(r)}`);
  // her treating hospitals: the profile she signs (the form starts from the current ones)
  await open(pt.page, 'sharing');
  ok((await pt.page.inputValue('#change-hospitals')) === 'hosp-a,hosp-b', 'hospitals: the current ones in the form');
  r = await change(pt.page, { action: 'hospitals', hospitals: 'hosp-a, hosp-a' }, false);
  ok(/hospitals must list/.test(r.error || ''), `a hospital twice: ${JSON.stringify(r)}`);
  r = await change(pt.page, { action: 'hospitals', hospitals: 'hosp-a' });
  ok(/Your treating hospitals become hosp-a instead of hosp-a and hosp-b/.test(r.plain || '') && r.done,
     `hospitals changed: ${JSON.stringify(r)}`);
  ok(/Your treating hospitals: hosp-a;/.test(await pt.page.textContent('#view')), 'the new profile shown');
  r = await change(pt.page, { action: 'hospitals', hospitals: 'hosp-a,hosp-b' });
  ok(r.done && /Your treating hospitals: hosp-a, hosp-b;/.test(await pt.page.textContent('#view')), 'hospitals back');
  return fam;
}

async function importJourney(pt) {
  const before = await resultsCount(pt.page);
  const seen = [];
  pt.page.on('response', async (res) => {
    if (res.url().endsWith('/ui/api/import') && res.request().method() === 'GET') {
      try { seen.push(JSON.parse(await res.text())); } catch { /* gone */ }
    }
  });
  await open(pt.page, 'import');
  await axe(pt.page, 'patient import');
  await pt.page.setInputFiles('#import-file', smallBundle());
  await pt.page.click('#import-start');
  await pt.page.waitForSelector('#view[data-view="record"], #import-status.error', { timeout: 120000 });
  const err = await pt.page.$('#import-status.error');
  ok(!err, `import: ${err ? await err.textContent() : ''}`);
  const last = seen[seen.length - 1] || {};
  ok(last.state === 'done' && last.percent === 100 && last.result.resources === 61, `import progress ended: ${JSON.stringify(last)}`);
  const bars = seen.filter((s) => s.state !== 'idle').map((s) => s.percent);
  ok(bars.length > 0 && bars.every((p, i) => i === 0 || p >= bars[i - 1]), `the bar never goes back: ${bars}`);
  const now = await resultsCount(pt.page);
  ok(now >= before + 60, `record shown with the new results: ${before} -> ${now}`);
  await shot(pt.page, 'patient-after-import');
  // a bundle that is not one: nothing imported, the node's reason shown
  await open(pt.page, 'import');
  const bad = path.join(path.dirname(smallBundle()), 'not-a-bundle.json');
  fs.writeFileSync(bad, '{"resourceType":"Patient"}');
  await pt.page.setInputFiles('#import-file', bad);
  await pt.page.click('#import-start');
  await pt.page.waitForSelector('#import-status.error', { timeout: 60000 });
  ok(/Nothing was imported: ./.test(await pt.page.textContent('#import-status')), 'a bad bundle: the reason shown');
  await axe(pt.page, 'patient import refused');
  await shot(pt.page, 'patient-import-refused');
  ok((await resultsCount(pt.page)) === now, 'a refused import adds nothing');
}

async function publishJourney(pt) {
  await open(pt.page, 'publish');
  await axe(pt.page, 'patient publish');
  await pt.page.click('#publish-start');
  await pt.page.waitForFunction(() => !/Making/.test(document.getElementById('publish-status').textContent), null,
                                { timeout: 120000 });
  const t = await pt.page.textContent('#publish-status');
  ok(/de-identified copy of your record .* is now what researchers can read/.test(t), `publish: ${t}`);
  await shot(pt.page, 'patient-publish');
}

// the family member's page starts with what is coming up
async function familyAppointments(pt, fam) {
  const start = new Date(Date.now() + 40 * 86400e3).toISOString().slice(0, 16) + ':00Z';
  const appt = { resourceType: 'Appointment', status: 'booked', description: 'Cardiology follow-up', start,
                 end: start.replace(/T(\d\d)/, (m, h) => `T${String((Number(h) + 1) % 24).padStart(2, '0')}`),
                 participant: [{ actor: { reference: 'Patient/pt-1' }, status: 'accepted' }] };
  const r = await raw('POST', '/fhir/Appointment', { 'Content-Type': 'application/fhir+json', Origin: origin,
                                                     Cookie: pt.cookie, 'X-CSRF-Token': pt.csrf }, JSON.stringify(appt));
  ok(r.status === 201, `the patient books an appointment through FHIR -> ${r.status}`);
  ok((await familyView(fam.page)) === 'shown', 'family: the personal report');
  const up = await fam.page.textContent('#upcoming');
  ok(up.includes(start.slice(0, 10)), `family: the upcoming appointment (${start.slice(0, 10)}) listed: ${up}`);
  await axe(fam.page, 'family personal with upcoming appointments');
  await shot(fam.page, 'family-upcoming');
}

// the patient's and the family member's pages on a phone: nothing wider than the screen
async function phone(pt, fam) {
  for (const [who, page, ids] of [['patient', pt.page, ['sharing', 'import', 'publish']], ['family', fam.page, ['personal']]]) {
    await page.setViewportSize({ width: 390, height: 800 });
    for (const id of ids) {
      await open(page, id);
      if (id === 'personal') await page.waitForSelector('#report .report-block, #report [role=alert]', { timeout: 60000 });
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      ok(w <= 392, `${who} ${id} on a phone: the page is ${w} px wide for a 390 px screen`);
      await shot(page, `${who}-${id}-phone`);
    }
    await page.setViewportSize({ width: 1100, height: 800 });
  }
}

async function security(pt, fam) {
  const body = JSON.stringify({ action: 'revoke', grantee: 'fam-1', confirm: true });
  const json = { 'Content-Type': 'application/json' };
  const q = '/ui/api/sharing/change?patient=pt-1';
  let r = await raw('POST', q, { ...json, Origin: origin }, body);
  ok(r.status === 401 && code(r) === 'no_session', `change without the cookie -> ${r.status}`);
  r = await raw('POST', q, { ...json, Origin: origin, Cookie: pt.cookie, 'X-CSRF-Token': 'f'.repeat(64) }, body);
  ok(r.status === 403 && code(r) === 'bad_csrf', `change with a wrong CSRF token -> ${r.status}`);
  r = await raw('POST', q, { ...json, Cookie: pt.cookie, 'X-CSRF-Token': pt.csrf }, body);
  ok(r.status === 403 && code(r) === 'origin_required', `change without Origin -> ${r.status}`);
  r = await raw('POST', q, { ...json, Origin: 'http://evil.example', Cookie: pt.cookie, 'X-CSRF-Token': pt.csrf }, body);
  ok(r.status === 403 && code(r) === 'bad_origin', `change from a foreign Origin -> ${r.status}`);
  r = await raw('POST', q, { ...json, Origin: origin, Host: `evil.example:${port}`, Cookie: pt.cookie, 'X-CSRF-Token': pt.csrf }, body);
  ok(r.status === 421 && code(r) === 'bad_host', `change with a foreign Host -> ${r.status}`);
  r = await raw('POST', q, { ...json, Origin: origin, Cookie: fam.cookie, 'X-CSRF-Token': fam.csrf }, body);
  ok(r.status === 403 && code(r) === 'not_for_role', `the family member changes sharing -> ${r.status}`);
  r = await raw('POST', '/ui/api/import?patient=pt-1', { ...json, Origin: origin, Cookie: fam.cookie, 'X-CSRF-Token': fam.csrf }, '{}');
  ok(r.status === 403 && code(r) === 'not_for_role', `the family member imports -> ${r.status}`);
  r = await raw('POST', '/ui/api/publish?patient=pt-1', { ...json, Origin: origin, Cookie: fam.cookie, 'X-CSRF-Token': fam.csrf }, '{}');
  ok(r.status === 403 && code(r) === 'not_for_role', `the family member publishes -> ${r.status}`);
  r = await raw('POST', '/ui/api/import?patient=fam-1', { ...json, Origin: origin, Cookie: pt.cookie, 'X-CSRF-Token': pt.csrf }, '{}');
  ok(r.status === 403 && code(r) === 'not_your_record', `import into another record -> ${r.status}`);
  r = await raw('POST', q, { ...json, Origin: origin, Cookie: pt.cookie, 'X-CSRF-Token': pt.csrf },
                JSON.stringify({ action: 'grant', grantee: 'fam-1', access: 'read', sudo: true }));
  ok(r.status === 400 && code(r) === 'bad_change', `an unknown field -> ${r.status}`);
  r = await raw('GET', '/app.html');
  ok(/default-src 'self'/.test(r.headers['content-security-policy'] || ''), 'CSP on the pages');
  // nothing was changed by the refused requests: fam-1 still reads
  ok((await familyView(fam.page)) === 'shown', 'family: still shown after the refused requests');
}

function secrets() {
  let n = 0;
  for (const [u, b] of bodies) {
    n++;
    if (b.includes(PASS)) ok(false, `the passphrase in ${u}`);
    for (const k of keyHex) if (b.toLowerCase().includes(k)) ok(false, `a key (${k.slice(0, 8)}…) in ${u}`);
  }
  ok(n > 10 && keyHex.length > 0, `responses scanned: ${n}, key strings: ${keyHex.length}`);
}

const browser = await chromium.launch({ executablePath: process.env.UI_CHROMIUM, args: ['--no-sandbox'] });
await finish('ui_patient', browser, async () => {
  const pt = await login(browser, 'pt-1');
  let fam = await login(browser, 'fam-1');
  const menu = await pt.page.$$eval('#menu a', (as) => as.map((a) => a.id.replace('menu-', '')));
  ok(menu.includes('import') && menu.includes('publish'), `patient menu has import and publish: ${menu}`);
  fam = await familyJourney(browser, pt, fam);
  fam = await sharingJourney(browser, pt, fam);
  await importJourney(pt);
  await publishJourney(pt);
  await familyAppointments(pt, fam);
  await phone(pt, fam);
  await security(pt, fam);
  secrets();
  await pt.ctx.close();
  await fam.ctx.close();
});
