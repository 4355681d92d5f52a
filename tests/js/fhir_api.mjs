#!/usr/bin/env node
// tests/js/fhir_api.mjs CONFIGS.json - checks running `carekey fhir serve`s
// (the node's FHIR API, docs/NODE.md) with fhir-kit-client, each as one
// person. CONFIGS is one config or an array of them (run 4 at a time, each
// one's lines printed together when it is done):
//
// CONFIG: {tag, base, port, token, patient, writer, out,
//          expect: [{type, id, resource}]}   what `carekey record get --json`
// opens for the same person (the FHIR sections; a later entry's Type/id wins).
//
//  - $everything, and a search of every served type by patient (all pages),
//    return exactly the expected resources, each equal to the record's one
//    (meta.versionId/lastUpdated aside);
//  - paging covers a type once; code system|code, status, date ge/lt and
//    _sort=-date agree with the expected resources;
//  - read, vread (ETag W/"versionId") and _history of a few resources;
//  - refusals as OperationOutcome: no or wrong token 401, wrong Host 421,
//    unknown id 404, bad parameter 400, a type not shared: an empty searchset
//    (with a "suppressed" outcome entry), AuditEvent of a record that is not
//    hers 403, a create where she has no write grant 403, a create of a
//    read-only type 405, a Goal without its required description 422;
//  - every type the CapabilityStatement lists with a patient parameter is
//    searched; sorting by each type's own date name (started, created...);
//    Patient by folded name prefix, given, family:exact, birthdate, gender,
//    identifier; Organization by name;
//  - writer: create (201, Location, ETag), update with If-Match (200, a new
//    version), a stale If-Match 412, an invalid resource 422; the created id
//    goes to CONFIG.out for the shell to find in the patient's record;
//  - every resource returned (Bundles, their entries, OperationOutcomes)
//    validates with the npm package "fhir" (as tests/js/fhir_validate.mjs).
// Prints ok/FAIL lines; exits 1 if any failed.
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import fhirPkg from 'fhir';
import { Client, RESPONSE_KEY } from 'fhir-kit-client';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const fhir = new fhirPkg.Fhir();

// ---- validation of everything returned --------------------------------------------------
const INSTANT = /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/;
const seen = new Set(); // each distinct resource is validated once, whoever got it
function validator(state) { return (res) => validateInto(state, res); }
function validateInto(state, res) {
  const validate = (x) => validateInto(state, x);
  const { invalid } = state;
  if (!res || typeof res !== 'object') return;
  if (res.resourceType === 'Bundle') for (const e of res.entry || []) validate(e.resource);
  // a Bundle's own elements are checked with its entries' resources left out (each is checked on its own)
  const shell = res.resourceType === 'Bundle' && res.entry
    ? JSON.parse(JSON.stringify({ ...res, entry: res.entry.map((e) => ({ ...e, resource: undefined })) })) : res;
  const text = JSON.stringify(shell);
  if (seen.has(text)) return;
  seen.add(text);
  state.validated++;
  const r = fhir.validate(shell, { errorOnUnexpected: true });
  const errors = (r.messages || []).filter((m) => m.severity === 'error');
  if (res.meta && res.meta.lastUpdated !== undefined && !INSTANT.test(res.meta.lastUpdated)) {
    errors.push({ location: 'meta.lastUpdated', message: 'not an instant' });
  }
  if (!r.valid || errors.length) invalid.push(`${res.resourceType}/${res.id}: ${errors.slice(0, 2).map((m) => `${m.location}: ${m.message}`).join('; ')}`);
}

// ---- helpers ------------------------------------------------------------------------------------
async function run(cfg) {
  const { tag, base, port, token, patient } = cfg;
  const client = new Client({ baseUrl: base, customHeaders: { Authorization: `Bearer ${token}` } });
  const state = { validated: 0, invalid: [] };
  const { invalid } = state;
  const validate = validator(state);
  const lines = [];
  let pass = 0;
  let fail = 0;
  const ok = (cond, msg) => {
    if (cond) pass++; else fail++;
    lines.push(`${cond ? 'ok  ' : 'FAIL'} - ${tag}: ${msg}`);
  };
  const key = (r) => `${r.resourceType}/${r.id}`;
  const canon = (v) => JSON.stringify(v, (k, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((k2) => [k2, x[k2]])) : x));
  function strip(res) {
    const r = JSON.parse(JSON.stringify(res));
    if (r.meta) {
      delete r.meta.versionId;
      delete r.meta.lastUpdated;
      if (Object.keys(r.meta).length === 0) delete r.meta;
    }
    return r;
  }
  const expected = new Map(cfg.expect.map((e) => [`${e.type}/${e.id}`, e.resource]));
  const expectedOf = (type) => [...expected.entries()].filter(([k]) => k.startsWith(`${type}/`));
  const sameSet = (a, b) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
  function diff(got, want) {
    const g = new Set(got);
    const w = new Set(want);
    const missing = want.filter((k) => !g.has(k)).slice(0, 2);
    const extra = got.filter((k) => !w.has(k)).slice(0, 2);
    return `got ${got.length}, want ${want.length}${missing.length ? `; missing ${missing}` : ''}${extra.length ? `; extra ${extra}` : ''}`;
  }
  async function attempt(p) {
    try {
      const data = await p;
      const resp = data[RESPONSE_KEY];
      return { status: resp ? resp.status : 200, headers: resp ? resp.headers : new Headers(), data };
    } catch (e) {
      if (!e.response) throw e;
      return { status: e.response.status, headers: new Headers(), data: e.response.data };
    }
  }
  const isOutcome = (d, code) => d && d.resourceType === 'OperationOutcome' && (!code || d.issue.some((i) => i.code === code));
  // every page of a search
  async function searchAll(resourceType, searchParams) {
    let b = await client.search({ resourceType, searchParams });
    validate(b);
    const matches = [];
    const outcomes = [];
    let total = b.total;
    for (let pages = 0; b && pages < 200; pages++) {
      for (const e of b.entry || []) (e.search && e.search.mode === 'outcome' ? outcomes : matches).push(e.resource);
      b = await client.nextPage({ bundle: b });
      if (b) validate(b);
    }
    return { matches, outcomes, total };
  }
  // a raw GET with the headers given (fetch cannot set Host)
  function raw(path, headers) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => { let data = null; try { data = JSON.parse(body); } catch { /* checked below */ } resolve({ status: res.statusCode, data }); });
      });
      req.on('error', reject);
      req.end();
    });
  }

  // ---- metadata, $everything ----------------------------------------------------------------
  const cs = await client.capabilityStatement();
  validate(cs);
  ok(cs.resourceType === 'CapabilityStatement' && cs.fhirVersion === '4.0.1', 'metadata: a CapabilityStatement, FHIR 4.0.1');
  // every type the statement says is searched by patient (the views have searches of their own below)
  const csTypes = cs.rest[0].resource;
  const SEARCH_TYPES = csTypes.filter((r) => !['AuditEvent', 'Consent'].includes(r.type)
    && (r.searchParam || []).some((p) => p.name === 'patient')).map((r) => r.type);
  const firstDate = (type) => ((csTypes.find((r) => r.type === type) || {}).searchParam || [])
    .find((p) => p.type === 'date' && !p.name.startsWith('_'));
  ok(SEARCH_TYPES.length >= 20 && ['Goal', 'ImagingStudy', 'Claim', 'ExplanationOfBenefit', 'CareTeam', 'Device']
    .every((t) => SEARCH_TYPES.includes(t)), `metadata: ${SEARCH_TYPES.length} types searched by patient, Goal, ImagingStudy, Claim... among them`);

  const ev = await client.operation({ name: 'everything', resourceType: 'Patient', id: patient, method: 'GET' });
  validate(ev);
  const evRes = (ev.entry || []).map((e) => e.resource);
  const evKeys = evRes.map(key);
  ok(sameSet(evKeys, [...expected.keys()]), `$everything returns exactly what 'record get' opens (${diff(evKeys, [...expected.keys()])})`);
  const unequal = evRes.filter((r) => expected.has(key(r)) && canon(strip(r)) !== canon(strip(expected.get(key(r)))));
  ok(unequal.length === 0, `$everything: every resource equals the record's (${unequal.length} differ${unequal.length ? `: ${key(unequal[0])}` : ''})`);
  ok(evRes.every((r) => r.meta && /^[1-9][0-9]*$/.test(r.meta.versionId)), '$everything: meta.versionId is an entry seq');
  {
    // $everything with _type, _count (pages followed by their next links) and _since
    const types = [...new Set(evRes.map((r) => r.resourceType))].slice(0, 2);
    const want = evKeys.filter((k) => types.includes(k.split('/')[0]));
    const got = [];
    let b = await client.operation({ name: 'everything', resourceType: 'Patient', id: patient, method: 'GET', input: { _type: types.join(','), _count: 7 } });
    validate(b);
    const total = b.total;
    for (let pages = 0; b && pages < 200; pages++) {
      for (const e of b.entry || []) got.push(key(e.resource));
      b = await client.nextPage({ bundle: b });
      if (b) validate(b);
    }
    ok(total === want.length && sameSet(got, want) && new Set(got).size === got.length,
      `$everything?_type=${types.join(',')}&_count=7: ${want.length} resources, each once over the pages (${diff(got, want)})`);
    const later = await client.operation({ name: 'everything', resourceType: 'Patient', id: patient, method: 'GET', input: { _since: '2999-01-01' } });
    ok(later.total === 0 && !(later.entry || []).length, '$everything?_since=2999-01-01: nothing');
    const r0 = await attempt(client.operation({ name: 'everything', resourceType: 'Patient', id: patient, method: 'GET', input: { start: '2020-01-01' } }));
    ok(r0.status === 400 && isOutcome(r0.data, 'not-supported'), `$everything?start=: 400 not-supported (got ${r0.status})`);
  }

  // ---- search of every type, by patient ----------------------------------------------------------
  let typesMatch = 0;
  const wrong = [];
  for (const t of SEARCH_TYPES) {
    const { matches } = await searchAll(t, { patient, _count: 1000 });
    const got = matches.map(key);
    const want = expectedOf(t).map(([k]) => k);
    if (sameSet(got, want)) typesMatch++;
    else wrong.push(`${t}: ${diff(got, want)}`);
  }
  ok(wrong.length === 0, `search by patient returns exactly what she opens, type by type (${typesMatch}/${SEARCH_TYPES.length}${wrong.length ? `; ${wrong[0]}` : ''})`);

  // sorting by each type's own date parameter (date, started, created, start-date...), newest first
  const unsorted = [];
  let sortedTypes = 0;
  for (const t of SEARCH_TYPES) {
    const d = firstDate(t);
    if (!d || expectedOf(t).length < 2) continue;
    const desc = await searchAll(t, { patient, _sort: `-${d.name}`, _count: 1000 });
    const asc = await searchAll(t, { patient, _sort: d.name, _count: 1000 });
    sortedTypes++;
    const want = expectedOf(t).map(([k]) => k);
    if (!sameSet(desc.matches.map(key), want) || !sameSet(asc.matches.map(key), want)) unsorted.push(`${t}: not the same set`);
  }
  ok(unsorted.length === 0, `_sort by each type's own date, both ways: the same resources (${sortedTypes} types${unsorted.length ? `; ${unsorted[0]}` : ''})`);

  // Patient by name (folded prefix), birthdate, gender, identifier: each finds her Patient resource
  const pats = expectedOf('Patient').map(([, r]) => r);
  if (pats.length) {
    const p0 = pats[0];
    const nm = (p0.name || []).find((n) => n.family) || {};
    const idf = (p0.identifier || []).find((i) => i.system && i.value);
    const asks = [];
    if (nm.family) asks.push({ family: nm.family.slice(0, 3).toUpperCase() }, { name: nm.family.toLowerCase() }, { 'family:exact': nm.family });
    if (nm.given && nm.given[0]) asks.push({ given: nm.given[0].slice(0, 2).toLowerCase() });
    if (p0.birthDate) asks.push({ birthdate: p0.birthDate });
    if (p0.gender) asks.push({ gender: p0.gender });
    if (idf) asks.push({ identifier: `${idf.system}|${idf.value}` });
    const missed = [];
    for (const a of asks) {
      const { matches } = await searchAll('Patient', a);
      if (!matches.some((r) => key(r) === key(p0))) missed.push(JSON.stringify(a));
    }
    ok(asks.length >= 4 && missed.length === 0, `Patient search by name, given, birthdate, gender, identifier finds her (${asks.length - missed.length}/${asks.length}${missed.length ? `; missed ${missed[0]}` : ''})`);
    if (nm.family) {
      const wrongName = await searchAll('Patient', { 'family:exact': nm.family.toLowerCase() === nm.family ? nm.family.toUpperCase() : nm.family.toLowerCase() });
      ok(!wrongName.matches.some((r) => key(r) === key(p0)), 'Patient family:exact is case-sensitive');
    }
  }
  // _include and _revinclude on one page of Encounters: exactly what the page names, and what names the page
  const encs = expectedOf('Encounter');
  if (encs.length) {
    const refTo = (ref) => {
      if (typeof ref !== 'string') return null;
      const m = /^urn:uuid:(.+)$/.exec(ref);
      if (m) { const e = [...expected.entries()].find(([k]) => k.endsWith(`/${m[1]}`)); return e ? e[0] : null; }
      const t = /([A-Z][A-Za-z]+)\/([A-Za-z0-9.-]+)(\/_history\/.*)?$/.exec(ref);
      return t && expected.has(`${t[1]}/${t[2]}`) ? `${t[1]}/${t[2]}` : null;
    };
    const b = await client.search({ resourceType: 'Encounter', searchParams: { patient, _count: 4, _include: 'Encounter:service-provider', _revinclude: 'Observation:encounter' } });
    validate(b);
    const pageKeys = (b.entry || []).filter((e) => e.search.mode === 'match').map((e) => key(e.resource));
    const incKeys = (b.entry || []).filter((e) => e.search.mode === 'include').map((e) => key(e.resource));
    const wantInc = new Set();
    for (const k of pageKeys) { const t = refTo((expected.get(k).serviceProvider || {}).reference); if (t && !pageKeys.includes(t)) wantInc.add(t); }
    for (const [k, r] of expectedOf('Observation')) { const t = refTo((r.encounter || {}).reference); if (t && pageKeys.includes(t)) wantInc.add(k); }
    ok(pageKeys.length === Math.min(4, encs.length) && b.total === encs.length && sameSet(incKeys, [...wantInc]),
      `_include=Encounter:service-provider&_revinclude=Observation:encounter: the page's ${pageKeys.length} Encounters bring exactly ${wantInc.size} resources (${diff(incKeys, [...wantInc])})`);
    ok((b.link || []).some((l) => l.relation === 'self' && /_include=Encounter:service-provider/.test(l.url) && /_revinclude=Observation:encounter/.test(l.url)),
      'the links keep _include and _revinclude');
  }

  // a directory resource by name, when the record holds one she can open
  const orgs = expectedOf('Organization').map(([, r]) => r).filter((o) => typeof o.name === 'string' && o.name.length > 2);
  if (orgs.length) {
    const { matches } = await searchAll('Organization', { name: orgs[0].name.slice(0, 3).toLowerCase() });
    ok(matches.some((r) => key(r) === key(orgs[0])), `Organization?name= finds ${key(orgs[0])} by a folded prefix`);
  }

  const obs = expectedOf('Observation').map(([, r]) => r);
  if (obs.length) {
    const paged = await searchAll('Observation', { patient, _count: 7 });
    const keys = paged.matches.map(key);
    ok(new Set(keys).size === keys.length && sameSet(keys, obs.map(key)) && paged.total === obs.length,
      `paging (_count=7) covers the ${obs.length} Observations once, total ${paged.total}`);
    const bySubject = await searchAll('Observation', { subject: `Patient/${patient}`, _count: 1000 });
    ok(sameSet(bySubject.matches.map(key), obs.map(key)), `subject=Patient/${patient} is the same search as patient (${bySubject.matches.length})`);
    const coding = obs.find((o) => o.code && o.code.coding && o.code.coding[0].system).code.coding[0];
    const wantCode = obs.filter((o) => (o.code.coding || []).some((c) => c.system === coding.system && c.code === coding.code));
    const byCode = await searchAll('Observation', { patient, code: `${coding.system}|${coding.code}` });
    ok(sameSet(byCode.matches.map(key), wantCode.map(key)), `code=system|code finds the ${wantCode.length} Observations with that coding (got ${byCode.matches.length})`);
    const finals = obs.filter((o) => o.status === 'final');
    const byStatus = await searchAll('Observation', { patient, status: 'final' });
    ok(byStatus.matches.length === finals.length, `status=final finds ${finals.length} (got ${byStatus.matches.length})`);
    const notFinal = await searchAll('Observation', { patient, 'status:not': 'final', _count: 1000 });
    ok(notFinal.matches.length === obs.length - finals.length, `status:not=final finds the other ${obs.length - finals.length} (got ${notFinal.matches.length})`);
    const noValue = obs.filter((o) => !Object.keys(o).some((k) => k === 'valueCodeableConcept'));
    const missing = await searchAll('Observation', { patient, 'value-concept:missing': 'true', _count: 1000 });
    ok(sameSet(missing.matches.map(key), noValue.map(key)), `value-concept:missing=true finds the ${noValue.length} without one (got ${missing.matches.length})`);
    const dated = obs.filter((o) => typeof o.effectiveDateTime === 'string');
    const years = dated.map((o) => o.effectiveDateTime.slice(0, 4)).sort();
    const mid = years[Math.floor(years.length / 2)];
    const ge = await searchAll('Observation', { patient, date: `ge${mid}` });
    const lt = await searchAll('Observation', { patient, date: `lt${mid}` });
    const wantGe = dated.filter((o) => o.effectiveDateTime.slice(0, 4) >= mid).length;
    const wantLt = dated.filter((o) => o.effectiveDateTime.slice(0, 4) < mid).length;
    ok(ge.matches.length === wantGe && lt.matches.length === wantLt, `date=ge${mid} finds ${wantGe}, lt${mid} ${wantLt} (got ${ge.matches.length}, ${lt.matches.length})`);
    const cnt = await client.search({ resourceType: 'Observation', searchParams: { patient, _summary: 'count', _total: 'accurate' } });
    validate(cnt);
    ok(cnt.total === obs.length && !(cnt.entry || []).some((e) => e.search.mode === 'match'), `_summary=count: total ${cnt.total}, no resources`);
    const el = await client.search({ resourceType: 'Observation', searchParams: { patient, _elements: 'status,code', _count: 3 } });
    validate(el);
    const els = (el.entry || []).filter((e) => e.search.mode === 'match').map((e) => e.resource);
    ok(els.length === Math.min(3, obs.length) && els.every((x) => Object.keys(x).every((k) => ['resourceType', 'id', 'meta', 'status', 'code'].includes(k))
      && x.meta.tag.some((t) => t.code === 'SUBSETTED') && canon(x.code) === canon(expected.get(key(x)).code)),
      `_elements=status,code: ${els.length} Observations with those elements alone, tagged SUBSETTED`);
    const sorted = await searchAll('Observation', { patient, _sort: '-date', _count: 1000 });
    const times = sorted.matches.filter((o) => o.effectiveDateTime).map((o) => Date.parse(o.effectiveDateTime));
    ok(times.every((t, i) => i === 0 || times[i - 1] >= t), `_sort=-date: effective times never increase (${times.length})`);
  } else {
    const none = await searchAll('Observation', { patient });
    ok(none.matches.length === 0 && none.total === 0, 'results not shared: Observation search is an empty searchset');
    ok(none.outcomes.some((o) => isOutcome(o, 'suppressed')), 'results not shared: the searchset says entries were suppressed');
  }

  // ---- read, vread, history -----------------------------------------------------------------------
  let reads = 0;
  const readBad = [];
  for (const t of new Set(evRes.map((r) => r.resourceType))) {
    for (const r of evRes.filter((x) => x.resourceType === t).slice(0, 2)) {
      const got = await attempt(client.read({ resourceType: t, id: r.id }));
      const v = await client.vread({ resourceType: t, id: r.id, version: r.meta.versionId });
      const h = await client.resourceHistory({ resourceType: t, id: r.id });
      validate(got.data); validate(v); validate(h);
      const etag = got.headers.get('etag');
      if (got.status === 200 && canon(got.data) === canon(r) && canon(v) === canon(r) && etag === `W/"${r.meta.versionId}"` &&
          h.type === 'history' && h.entry.some((e) => e.resource && e.resource.meta.versionId === r.meta.versionId)) reads++;
      else readBad.push(key(r));
    }
  }
  ok(readBad.length === 0 && reads > 0, `read, vread (ETag) and _history agree with $everything (${reads} resources${readBad.length ? `; wrong: ${readBad[0]}` : ''})`);

  // ---- refusals -------------------------------------------------------------------------------------
  const host = `127.0.0.1:${port}`;
  let r = await raw('/fhir/metadata', { Host: host });
  ok(r.status === 401 && isOutcome(r.data, 'login'), `no token: 401 OperationOutcome (got ${r.status})`);
  validate(r.data);
  r = await raw('/fhir/metadata', { Host: host, Authorization: `Bearer ${token.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}` });
  ok(r.status === 401 && isOutcome(r.data), `a wrong token: 401 (got ${r.status})`);
  r = await raw('/fhir/metadata', { Host: `rebound.example:${port}`, Authorization: `Bearer ${token}` });
  ok(r.status === 421 && isOutcome(r.data), `a foreign Host: 421 OperationOutcome (got ${r.status})`);
  validate(r.data);
  r = await raw('/fhir/metadata', { Host: host, Authorization: `Bearer ${token}`, Accept: 'application/fhir+xml' });
  ok(r.status === 406 && isOutcome(r.data, 'not-supported'), `Accept: application/fhir+xml: 406 (got ${r.status})`);
  r = await raw('/fhir/metadata?_format=json', { Host: host, Authorization: `Bearer ${token}`, Accept: 'application/fhir+xml' });
  ok(r.status === 200 && r.data.resourceType === 'CapabilityStatement', `_format=json overrides Accept (got ${r.status})`);
  r = await raw('/fhir/metadata', { Host: host, Authorization: `Bearer ${token}`, Accept: 'text/html, application/xhtml+xml, */*;q=0.8' });
  ok(r.status === 200, `a browser's Accept admits JSON (got ${r.status})`);
  r = await attempt(client.read({ resourceType: 'Observation', id: 'no-such-id' }));
  ok(r.status === 404 && isOutcome(r.data, 'not-found'), `unknown id: 404 not-found (got ${r.status})`);
  validate(r.data);
  r = await attempt(client.search({ resourceType: 'Observation', searchParams: { patient, _summary: 'true' } }));
  ok(r.status === 400 && isOutcome(r.data, 'not-supported'), `an unsupported parameter: 400 not-supported (got ${r.status})`);
  r = await attempt(client.search({ resourceType: 'Observation', searchParams: { patient, date: 'ge2024-13' } }));
  ok(r.status === 400 && isOutcome(r.data, 'invalid'), `a bad date: 400 invalid (got ${r.status})`);
  validate(r.data);
  r = await attempt(client.search({ resourceType: 'Consent', searchParams: { patient } }));
  validate(r.data);
  ok(r.status === 200 && r.data.resourceType === 'Bundle' && (r.data.entry || []).every((e) => e.resource.resourceType === 'Consent') &&
     (r.data.total || 0) > 0, `Consent?patient: the record's grants as Consents (${r.data.total})`);
  r = await attempt(client.create({ resourceType: 'Consent', body: { resourceType: 'Consent', status: 'active' } }));
  ok(r.status === 405 && isOutcome(r.data, 'not-supported'), `POST Consent (a read-only view): 405 (got ${r.status})`);
  r = await new Promise((resolve, reject) => {
    const body = '<Observation xmlns="http://hl7.org/fhir"/>';
    const req = http.request({ host: '127.0.0.1', port, path: '/fhir/Observation', method: 'POST',
      headers: { Host: host, Authorization: `Bearer ${token}`, 'Content-Type': 'application/fhir+xml', 'Content-Length': body.length } }, (res) => {
      let t = '';
      res.on('data', (c) => { t += c; });
      res.on('end', () => { let data = null; try { data = JSON.parse(t); } catch { /* checked below */ } resolve({ status: res.statusCode, data }); });
    });
    req.on('error', reject);
    req.end(body);
  });
  ok(r.status === 415 && isOutcome(r.data, 'not-supported'), `a body of application/fhir+xml: 415 (got ${r.status})`);
  r = await attempt(client.create({ resourceType: 'Organization', body: { resourceType: 'Organization', name: 'x' } }));
  ok(r.status === 405 && isOutcome(r.data, 'not-supported'), `POST Organization (read and search only): 405 (got ${r.status})`);
  r = await attempt(client.create({ resourceType: 'Goal', body: { resourceType: 'Goal', lifecycleStatus: 'active', subject: { reference: `Patient/${patient}` } } }));
  ok(r.status === 422 && isOutcome(r.data, 'required') && /Goal\.description/.test(JSON.stringify(r.data)), `a Goal without description: 422 (got ${r.status})`);
  r = await attempt(client.search({ resourceType: 'Patient', searchParams: { 'name:text': 'x' } }));
  ok(r.status === 400 && isOutcome(r.data, 'not-supported'), `Patient?name:text: 400 not-supported (got ${r.status})`);
  r = await attempt(client.delete({ resourceType: 'Observation', id: 'no-such-id' }));
  ok(r.status === 405 && isOutcome(r.data), `DELETE: 405 (got ${r.status})`);
  r = await attempt(client.search({ resourceType: 'AuditEvent', searchParams: { patient } }));
  ok(r.status === 403 && isOutcome(r.data, 'forbidden'), `AuditEvent of a record not hers: 403 (got ${r.status})`);

  // ---- writes -------------------------------------------------------------------------------------------
  const newObs = {
    resourceType: 'Observation', status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: `Patient/${patient}` }, effectiveDateTime: '2026-11-30T10:00:00Z',
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  };
  if (!cfg.writer) {
    r = await attempt(client.create({ resourceType: 'Observation', body: newObs }));
    ok(r.status === 403 && isOutcome(r.data, 'forbidden'), `a create without a write grant: 403 (got ${r.status})`);
  } else {
    r = await attempt(client.create({ resourceType: 'Observation', body: newObs }));
    validate(r.data);
    const created = r.data;
    const loc = r.headers.get('location') || '';
    if (r.status !== 201 || !created.id || !created.meta) {
      ok(false, `create: ${r.status} ${JSON.stringify(created).slice(0, 400)}`);
      return { pass, fail, lines };
    }
    ok(loc === `${base}/Observation/${created.id}/_history/${created.meta.versionId}` &&
       r.headers.get('etag') === `W/"${created.meta.versionId}"`, `create: 201 with Location and ETag (${r.status} ${loc})`);
    const back = await client.read({ resourceType: 'Observation', id: created.id });
    ok(canon(strip(back)) === canon(strip({ ...newObs, id: created.id })), 'create: the resource reads back as sent');
    const upd = { ...back, status: 'amended' };
    delete upd.meta;
    r = await attempt(client.update({ resourceType: 'Observation', id: created.id, body: upd, options: { headers: { 'If-Match': `W/"${created.meta.versionId}"` } } }));
    validate(r.data);
    const v2 = r.data.meta && r.data.meta.versionId;
    ok(r.status === 200 && r.data.status === 'amended' && Number(v2) > Number(created.meta.versionId), `update with If-Match: 200, version ${v2}`);
    r = await attempt(client.update({ resourceType: 'Observation', id: created.id, body: upd, options: { headers: { 'If-Match': `W/"${created.meta.versionId}"` } } }));
    ok(r.status === 412 && isOutcome(r.data, 'conflict'), `update with a stale If-Match: 412 (got ${r.status})`);
    validate(r.data);
    const h = await client.resourceHistory({ resourceType: 'Observation', id: created.id });
    validate(h);
    ok(h.total === 2 && h.entry[0].resource.status === 'amended' && h.entry[1].request.method === 'POST', '_history: both versions, newest first');
    r = await attempt(client.create({ resourceType: 'Observation', body: { resourceType: 'Observation', status: 'final', subject: newObs.subject } }));
    ok(r.status === 422 && isOutcome(r.data, 'required'), `an Observation without code: 422 (got ${r.status})`);
    validate(r.data);
    if (cfg.out) writeFileSync(cfg.out, `${created.id}\n`);
  }

  ok(invalid.length === 0, `every resource returned validates against FHIR R4 (${state.validated} checked${invalid.length ? `; ${invalid[0]}` : ''})`);
  return { pass, fail, lines };
}

const configs = Array.isArray(input) ? input : [input];
let pass = 0;
let fail = 0;
async function worker() {
  while (configs.length) {
    const cfg = configs.shift();
    let r;
    try {
      r = await run(cfg);
    } catch (e) {
      r = { pass: 0, fail: 1, lines: [`FAIL - ${cfg.tag}: ${e.stack || e}`] };
    }
    pass += r.pass;
    fail += r.fail;
    console.log(r.lines.join('\n'));
  }
}
Promise.all([worker(), worker(), worker(), worker()]).then(() => {
  console.log(`fhir_api: ${pass} passed, ${fail} failed`);
  process.exit(fail ? 1 : 0);
});
