// web/js/views/care.js - the doctor's and nurse's pages: "My patients"
// (GET /ui/api/care/patients: the patients of the hospital's ledger and
// those looked up, each with her consent to this hospital), and the care
// forms (admit, discharge, diagnosis, vitals, note, appointment, theatre),
// each reviewed before it is saved (care_form.js).
import { get, withPatient } from '../api.js';
import { el, table } from '../dom.js';
import { careForm, when } from './care_form.js';

const PATIENT_KEY = 'ck-patient';
const choose = (gid) => sessionStorage.setItem(PATIENT_KEY, gid);

function patientRow(p) {
  const go = (hash) => el('a', { href: '#' + hash, onclick: () => choose(p.gid), class: 'action',
                                 'aria-label': `${hash === 'professional' ? 'Professional report' : 'Care forms'} of ${p.gid}`,
                                 text: hash === 'professional' ? 'Report' : 'Care forms' });
  const adm = p.admitted ? `${p.admitted.ward} bed ${p.admitted.bed} since ${p.admitted.since.replace('T', ' ').slice(0, 16)}` : 'not admitted';
  return [p.gid, adm, p.care_team.length ? p.care_team.join('; ').replace(/,/g, ', ') : 'none given to you',
          el('span', { class: 'actions' }, go('professional'), ' ', go('care-forms'))];
}

export async function patients(me, root) {
  const list = el('div', { id: 'patients-list' });
  const found = el('div', { id: 'patients-lookup', 'aria-live': 'polite' });
  const render = (data) => {
    data.patients.sort((a, b) => a.gid.localeCompare(b.gid));
    list.replaceChildren(...[data.patients.length
      ? table(`Patients of ${data.org} who consented to treatment (${data.patients.length})`,
              ['Patient', 'Bed', 'Your sections', 'Open'], data.patients.map(patientRow))
      : el('p', { class: 'section-status', text: `No patient of ${data.org}'s ledger yet: look one up by her carekey ID.` }),
      data.ledger_error ? el('p', { class: 'note', text: `The ledger of ${data.org} could not be read: ${data.ledger_error}` }) : null].filter(Boolean));
    if (!data.lookup) found.replaceChildren();
    else if (data.lookup.consented) found.replaceChildren(el('p', { class: 'status ok', text: `${data.lookup.gid} consented to treatment at ${data.org}.` }));
    else found.replaceChildren(el('p', { class: 'status error', role: 'alert',
      text: `${data.lookup.gid}: no consent to ${data.org} you can see${data.lookup.error ? ' (' + data.lookup.error + ')' : ''}.` }));
  };
  const form = el('form', { class: 'row card', id: 'lookup-form' },
    el('div', {}, el('label', { for: 'lookup', text: 'Find a patient (carekey ID)' }),
      el('input', { id: 'lookup', name: 'lookup', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', required: true })),
    el('button', { type: 'submit' }, 'Find'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const gid = form.lookup.value.trim();
    if (!gid) return;
    found.replaceChildren(el('p', { class: 'status', text: 'Looking…' }));
    try { render(await get(withPatient('/ui/api/care/patients', gid))); } catch (e) {
      found.replaceChildren(el('p', { class: 'status error', role: 'alert', text: `${e.code}: ${e.message}` }));
    }
  });
  root.append(el('h1', { text: 'My patients' }),
    el('p', { class: 'lead', text: 'The patients of your hospital who consented to treatment there (a delegate grant in their record). ' +
      'The server shows who is a patient only to her delegates, so this list holds those your hospital\'s ledger names; find others by their ID.' }),
    form, found, list);
  render(await get('/ui/api/care/patients'));
}

const VITALS = [['hr', 'Heart rate (/min)'], ['bp', 'Blood pressure (mmHg, e.g. 120/80)'], ['temp', 'Temperature (°C)'],
  ['rr', 'Respiratory rate (/min)'], ['spo2', 'Oxygen saturation (%)']];
const DT_HINT = 'Date and time in UTC; empty: now.';

function forms(me, patientOf, refresh) {
  const doctor = me.role === 'doctor';
  const saved = (what) => (r) => `Saved: ${what}${r.id ? ' ' + r.id : ''}${r.seq ? ` (entry ${r.seq})` : ''}.`;
  const list = [
    { op: 'admit', title: 'Admit to a ward bed',
      fields: [{ name: 'ward', label: 'Ward', required: true, list: 'care-wards' }, { name: 'bed', label: 'Bed', type: 'number', min: 1, max: 100000, required: true },
               { name: 'reason', label: 'Reason' }, { name: 'at', label: 'Admitted at', type: 'datetime-local', hint: DT_HINT }],
      body: (v) => ({ patient: v.patient, ward: v.ward, bed: Number(v.bed), reason: v.reason || undefined, at: v.at || undefined }),
      review: (v, c) => [['Patient', v.patient], ['Ward', v.ward], ['Bed', v.bed], ['Reason', v.reason], ['Admitted at', when(c.at || v.at)],
                      ['Written to', 'the hospital ledger (the bed), then the patient\'s encounters']],
      done: (r) => `Admitted ${r.patient} to ${r.ward} bed ${r.bed}: Encounter ${r.id}.` },
    { op: 'discharge', title: 'Discharge',
      fields: [{ name: 'disposition', label: 'Discharged to', type: 'select',
                 options: [['home', 'Home'], ['other-hcf', 'Another hospital (transfer)'], ['snf', 'Skilled nursing facility'], ['exp', 'Expired']] },
               { name: 'summary', label: 'Discharge summary', type: 'textarea', hint: 'Written as a document in the patient\'s record (doctors).' },
               { name: 'at', label: 'Discharged at', type: 'datetime-local', hint: DT_HINT },
               { name: 'encounter', label: 'Encounter id', list: 'care-encounter-ids', hint: 'Empty: her current admission. Name it to finish a discharge that stopped half-way.' }],
      body: (v) => ({ patient: v.patient, disposition: v.disposition, summary: v.summary || undefined, at: v.at || undefined,
                      encounter: v.encounter || undefined }),
      review: (v, c) => [['Patient', v.patient], ['Stay', v.encounter || 'her current admission'], ['Discharged to', v.disposition],
                      ['Summary', v.summary], ['Discharged at', when(c.at || v.at)]],
      done: (r) => `Discharged: Encounter ${r.id}, ${r.ward} bed ${r.bed} is free (${r.disposition}).` },
    { op: 'condition', title: 'Add a diagnosis',
      fields: [{ name: 'system', label: 'Code system', type: 'select', options: [['snomed', 'SNOMED CT'], ['icd10', 'ICD-10'], ['text', 'Text only']] },
               { name: 'code', label: 'Code', hint: 'A SNOMED CT concept id or an ICD-10 code; none for text only.' },
               { name: 'display', label: 'Diagnosis', required: true }, { name: 'encounter', label: 'Encounter id', list: 'care-encounter-ids', hint: 'The stay or visit it belongs to.' }],
      body: (v) => ({ patient: v.patient, system: v.system, code: v.system === 'text' ? undefined : v.code || undefined,
                      display: v.display, encounter: v.encounter || undefined }),
      review: (v) => [['Patient', v.patient], ['Diagnosis', v.display], ['Code', v.system === 'text' ? '' : `${v.system} ${v.code}`],
                      ['Encounter', v.encounter], ['Written to', 'problems, under the sharing rules of that section']],
      done: saved('Condition') },
    { op: 'vitals', title: 'Record vital signs',
      fields: [...VITALS.map(([n, l]) => ({ name: n, label: l })), { name: 'at', label: 'Measured at', type: 'datetime-local', hint: DT_HINT }],
      body: (v) => {
        const vitals = {};
        for (const [n] of VITALS) if (v[n]) vitals[n] = v[n];
        return { patient: v.patient, vitals, at: v.at || undefined };
      },
      review: (v) => [['Patient', v.patient], ...VITALS.map(([n, l]) => [l, v[n]]), ['Measured at', when(v.at)]],
      done: (r) => `Saved the vital signs (entry ${r.seq}).` },
    { op: 'note', title: 'Write a clinical note',
      fields: [{ name: 'kind', label: 'Kind', type: 'select', options: [['progress', 'Progress note'], ['history', 'History'], ['discharge', 'Discharge note']] },
               { name: 'text', label: 'Note', type: 'textarea', required: true }, { name: 'encounter', label: 'Encounter id', list: 'care-encounter-ids' }],
      body: (v) => ({ patient: v.patient, kind: v.kind, text: v.text, encounter: v.encounter || undefined }),
      review: (v) => [['Patient', v.patient], ['Kind', v.kind], ['Note', v.text], ['Encounter', v.encounter]],
      done: saved('DocumentReference') },
    { op: 'appointment', title: 'Book an appointment',
      intro: 'In a free slot of the doctor\'s schedule (the clerk opens slots).',
      fields: [{ name: 'doctor', label: 'Doctor', required: true, value: doctor ? me.gid : '' },
               { name: 'at', label: 'Slot start', type: 'datetime-local', required: true, hint: 'UTC' }, { name: 'reason', label: 'Reason' }],
      body: (v) => ({ patient: v.patient, doctor: v.doctor, at: v.at, reason: v.reason || undefined }),
      review: (v) => [['Patient', v.patient], ['Doctor', v.doctor], ['Slot', when(v.at)], ['Reason', v.reason]],
      done: saved('Appointment') },
    { op: 'theatre', title: 'Book a theatre slot',
      fields: [{ name: 'theatre', label: 'Theatre', required: true, list: 'care-theatres' }, { name: 'surgeon', label: 'Surgeon', required: true, value: doctor ? me.gid : '' },
               { name: 'team', label: 'Team', hint: 'e.g. nurse-a:scrub-nurse,dr-b:anaesthetist' },
               { name: 'snomed', label: 'Procedure (SNOMED CT)', required: true }, { name: 'display', label: 'Procedure name', required: true },
               { name: 'start', label: 'Start', type: 'datetime-local', required: true, hint: 'UTC' },
               { name: 'end', label: 'End', type: 'datetime-local', required: true, hint: 'UTC' }],
      body: (v) => ({ patient: v.patient, theatre: v.theatre, surgeon: v.surgeon, team: v.team || undefined, snomed: v.snomed,
                      display: v.display, start: v.start, end: v.end }),
      review: (v) => [['Patient', v.patient], ['Theatre', v.theatre], ['Surgeon', v.surgeon], ['Team', v.team],
                      ['Procedure', `${v.display} (${v.snomed})`], ['From', when(v.start)], ['To', when(v.end)]],
      done: saved('Appointment') },
    { op: 'outcome', title: 'Record how a surgery went',
      intro: 'The theatre booking\'s id is in the message of its booking (and on the clerk\'s theatre board).',
      fields: [{ name: 'id', label: 'Theatre booking id', required: true },
               { name: 'status', label: 'Status', type: 'select', options: [['completed', 'Completed'], ['not-done', 'Not done'], ['stopped', 'Stopped']] },
               { name: 'success', label: 'Result', type: 'select', options: [['', '—'], ['successful', 'Successful'], ['unsuccessful', 'Unsuccessful'], ['partial', 'Partial']] },
               { name: 'outcome', label: 'Outcome (or the reason it was not done)' },
               { name: 'start', label: 'Actual start', type: 'datetime-local', hint: 'UTC; empty: as booked (give both or neither).' },
               { name: 'end', label: 'Actual end', type: 'datetime-local', hint: 'UTC' }],
      body: (v) => ({ id: v.id, status: v.status, result: v.success || undefined, outcome: v.outcome || undefined,
                      start: v.start || undefined, end: v.end || undefined }),
      review: (v) => [['Booking', v.id], ['Status', v.status], ['Result', v.success], ['Outcome', v.outcome],
                      ['Performed', v.start ? `${when(v.start)} to ${when(v.end)}` : 'as booked']],
      done: (r) => `Recorded: Appointment ${r.id} ${r.status}.` },
  ];
  return list.map((spec) => careForm({ ...spec, after: refresh }, patientOf));
}

export async function careForms(me, root) {
  const input = el('input', { id: 'care-patient', name: 'patient', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false',
                              list: 'care-patients', value: sessionStorage.getItem(PATIENT_KEY) || '', required: true });
  const options = el('datalist', { id: 'care-patients' });
  const wards = el('datalist', { id: 'care-wards' }), theatres = el('datalist', { id: 'care-theatres' });
  const encIds = el('datalist', { id: 'care-encounter-ids' });
  const stays = el('div', { id: 'care-encounters', 'aria-live': 'polite' });
  let asked = 0; // the latest request wins: an older answer for another patient is dropped
  const showStays = async () => {
    const p = input.value.trim(), mine = ++asked;
    if (!p) { stays.replaceChildren(); return; }
    choose(p);
    try {
      const e = await get(withPatient('/ui/api/care/encounters', p));
      if (mine !== asked) return;
      encIds.replaceChildren(...e.encounters.map((x) => el('option', { value: x.id,
        label: `${x.class} ${x.status} ${x.ward ? x.ward + ' bed ' + x.bed : x.department || x.hospital} ${x.start.slice(0, 16)}` })));
      stays.replaceChildren(e.encounters.length
        ? table(`${p}'s encounters you can read`, ['Encounter id', 'Class', 'Status', 'Where', 'Start', 'End'],
                e.encounters.map((x) => [x.id, x.class, x.status, x.ward ? `${x.ward} bed ${x.bed}` : (x.department || x.hospital),
                                          x.start.replace('T', ' ').slice(0, 16), x.end ? x.end.replace('T', ' ').slice(0, 16) : '']))
        : el('p', { class: 'section-status', text: `${p} has no encounter you can read.` }));
    } catch (e) {
      if (mine === asked) stays.replaceChildren(el('p', { class: 'status error', role: 'alert', text: `${e.code}: ${e.message}` }));
    }
  };
  input.addEventListener('change', showStays);
  root.append(el('h1', { text: 'Care forms' }),
    el('div', { class: 'card' }, el('label', { for: 'care-patient', text: 'Patient (carekey ID)' }), input, options, wards, theatres, encIds,
      el('p', { class: 'note', text: 'Every form is checked by the node and shown to you before anything is written. Prescriptions have their own page.' })),
    stays, ...forms(me, () => input.value.trim(), showStays));
  try {
    const p = await get('/ui/api/care/patients');
    options.replaceChildren(...p.patients.map((x) => el('option', { value: x.gid })));
    const u = await get('/ui/api/care/units');
    const opts = (kind) => u.units.filter((x) => x.kind === kind)
      .map((x) => el('option', { value: x.name, label: `${x.display_name || x.name}${x.beds ? ` (${x.beds} beds)` : ''}` }));
    wards.replaceChildren(...opts('ward'));
    theatres.replaceChildren(...opts('theatre'));
  } catch { /* the lists are a convenience */ }
  await showStays();
}
