// web/js/views/record.js - the patient's own record, read through the node's
// FHIR API (Patient/GID/$everything with the session): by section, as a
// timeline, results with trend charts, and a download as a FHIR Bundle.
import { get } from '../api.js';
import { el, table, download as save } from '../dom.js';
import { lineChart, numberOf } from '../charts.js';

const SECTIONS = [
  ['Demographics', ['Patient', 'RelatedPerson']],
  ['Allergies', ['AllergyIntolerance']],
  ['Problems', ['Condition']],
  ['Medications', ['MedicationRequest', 'MedicationStatement', 'MedicationDispense', 'MedicationAdministration']],
  ['Results', ['Observation', 'DiagnosticReport', 'ImagingStudy']],
  ['Encounters', ['Encounter']],
  ['Procedures', ['Procedure']],
  ['Immunizations', ['Immunization']],
  ['Care plans', ['CarePlan', 'Goal']],
  ['Appointments', ['Appointment']],
  ['Documents', ['DocumentReference', 'Composition']],
];

let cached = null; // one read per page load: the bundle stays in this tab's memory only

async function everything(me) {
  if (!cached) cached = get(`/fhir/Patient/${encodeURIComponent(me.patient || me.gid)}/$everything`);
  return cached;
}

const resources = (b) => (b.entry || []).map((e) => e.resource).filter(Boolean);

/* A CodeableConcept (or a plain string, as Goal.description may be read) as text. */
function text(cc) {
  if (!cc) return '';
  if (typeof cc === 'string') return cc;
  if (cc.text) return cc.text;
  const c = (cc.coding || [])[0];
  return c ? c.display || c.code || '' : '';
}

function dateOf(r) {
  return r.effectiveDateTime || (r.effectivePeriod && r.effectivePeriod.start) || r.onsetDateTime || r.recordedDate ||
    r.authoredOn || r.occurrenceDateTime || r.performedDateTime || (r.performedPeriod && r.performedPeriod.start) ||
    (r.period && r.period.start) || r.issued || r.start || r.date || r.birthDate || '';
}

function valueOf(r) {
  if (r.valueQuantity) return `${r.valueQuantity.value} ${r.valueQuantity.unit || ''}`.trim();
  if (r.valueCodeableConcept) return text(r.valueCodeableConcept);
  if (r.valueString) return r.valueString;
  if (r.component)
    return r.component.map((c) => `${text(c.code)} ${c.valueQuantity ? c.valueQuantity.value + ' ' + (c.valueQuantity.unit || '') : ''}`).join('; ');
  return '';
}

function describe(r) {
  switch (r.resourceType) {
  case 'Patient': {
    const n = (r.name || [])[0] || {};
    return [[...(n.given || []), n.family].filter(Boolean).join(' '), r.gender || '', r.birthDate || ''];
  }
  case 'Observation': return [text(r.code), valueOf(r), dateOf(r).slice(0, 10)];
  case 'MedicationRequest': case 'MedicationStatement':
    return [text(r.medicationCodeableConcept) || text(r.medicationReference && r.medicationReference.display), r.status || '', dateOf(r).slice(0, 10)];
  case 'Encounter': return [text((r.type || [])[0]) || text(r.class), r.status || '', dateOf(r).slice(0, 10)];
  default: return [text(r.code) || text(r.vaccineCode) || text((r.category || [])[0]) || text(r.description) || r.resourceType,
                   r.status || r.clinicalStatus && text(r.clinicalStatus) || '', String(dateOf(r)).slice(0, 10)];
  }
}

export async function sections(me, root) {
  const all = resources(await everything(me));
  root.append(el('h1', { text: 'My record' }),
    el('p', { class: 'note', text: 'Decrypted on this node from your verified record. Each section below lists what it holds.' }));
  for (const [title, types] of SECTIONS) {
    const rows = all.filter((r) => types.includes(r.resourceType)).map(describe);
    root.append(el('section', { 'aria-labelledby': 'h-' + title.replace(/\W/g, '') },
      el('h2', { id: 'h-' + title.replace(/\W/g, ''), text: `${title} (${rows.length})` }),
      rows.length ? table(title, ['What', 'Status / value', 'Date'], rows.slice(-20).reverse())
        : el('p', { class: 'section-status', text: 'None recorded.' }),
      rows.length > 20 ? el('p', { class: 'note', text: `The last 20 shown; ${rows.length - 20} more in the timeline and the download.` }) : null));
  }
}

export async function timeline(me, root) {
  const all = resources(await everything(me)).filter((r) => r.resourceType !== 'Patient' && dateOf(r));
  all.sort((a, b) => String(dateOf(b)).localeCompare(String(dateOf(a))));
  const shown = all.slice(0, 60);
  root.append(el('h1', { text: 'Timeline' }),
    el('p', { class: 'note', text: `The ${shown.length} most recent of ${all.length} dated events, newest first.` }),
    el('ol', { class: 'timeline' }, shown.map((r) => {
      const [what, extra] = describe(r);
      return el('li', {}, el('time', { datetime: String(dateOf(r)).slice(0, 10), text: String(dateOf(r)).slice(0, 10) }),
        `${r.resourceType}: ${what}${extra ? ' - ' + extra : ''}`);
    })));
}

// series of numeric observations by test name, oldest first
export function seriesOf(all) {
  const by = new Map();
  for (const r of all) {
    if (r.resourceType !== 'Observation' || !r.valueQuantity || typeof r.valueQuantity.value !== 'number') continue;
    const name = text(r.code);
    if (!name || !dateOf(r)) continue;
    if (!by.has(name)) by.set(name, { name, unit: r.valueQuantity.unit || '', points: [] });
    by.get(name).points.push({ date: String(dateOf(r)), value: r.valueQuantity.value });
  }
  const list = [...by.values()].filter((s) => s.points.length >= 2);
  for (const s of list) s.points.sort((a, b) => a.date.localeCompare(b.date));
  return list.sort((a, b) => b.points.length - a.points.length);
}

export async function results(me, root) {
  const series = seriesOf(resources(await everything(me)));
  root.append(el('h1', { text: 'Results and trends' }));
  if (!series.length) { root.append(el('p', { class: 'section-status', text: 'No repeated measurements recorded.' })); return; }
  const holder = el('div');
  const select = el('select', { id: 'series', onchange: () => show(series[select.selectedIndex]) },
    series.map((s) => el('option', { text: `${s.name} (${s.points.length})` })));
  function show(s) {
    holder.replaceChildren(el('h2', { text: s.name }), lineChart(s.name, s.points, s.unit),
      table(`${s.name} values`, ['Date', 'Value'], s.points.map((p) => [p.date.slice(0, 10), `${p.value} ${s.unit}`])));
  }
  root.append(el('label', { for: 'series', text: 'Measurement' }), select, holder);
  show(series[0]);
}

export async function download(me, root) {
  root.append(el('h1', { text: 'Download my record' }),
    el('p', { text: 'Your whole record as one FHIR R4 Bundle (JSON), as this node decrypts it for you. Keep the file safe: it is not encrypted.' }),
    el('button', { type: 'button', id: 'download-bundle', onclick: async () => {
      const b = await everything(me);
      save('carekey-record.json', 'application/fhir+json', JSON.stringify(b, null, 2));
    } }, 'Download FHIR bundle'));
  void numberOf;
}
