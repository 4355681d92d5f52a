// web/js/views/pharmacy.js - the pharmacist's page. It opens on her queue
// across patients (GET /ui/api/rx/queue): the open prescriptions of every
// record where she holds a write grant on medications, fills left, and a
// dispense button (POST /ui/api/rx/dispense); a record the node could not
// read is named under the table. Below, a lookup of one patient's open
// prescriptions (GET /ui/api/rx/list?open=1). The node checks the limits on
// the record head it writes to: a dispense beyond the fills is refused and
// the refusal is shown as the node gives it. Both lists are read again after
// every dispense.
import { get, post, withPatient } from '../api.js';
import { el } from '../dom.js';

const written = (p) => (p.authored || '').slice(0, 16).replace('T', ' ') || '-';
const fillsLeft = (p) => `${Math.max(0, p.fills_allowed - p.fills_used)} of ${p.fills_allowed}`;

// a table of prescriptions; withPatient adds the patient column (the queue)
function rxTable(caption, rows, withPatientCol, onDispense) {
  const cols = (withPatientCol ? ['Patient'] : []).concat(['Drug', 'Quantity', 'Fills left', 'Prescribed by', 'Written', 'Dispense']);
  return el('div', { class: 'table-wrap' }, el('table', {},
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, cols.map((c) => el('th', { scope: 'col', text: c })))),
    el('tbody', {}, rows.map((p) => el('tr', { 'data-id': p.id, 'data-patient': p.patient || undefined },
      withPatientCol ? el('td', { class: 'patient', text: p.patient }) : null,
      el('td', { class: 'drug', text: p.drug || p.rxnorm || '-' }),
      el('td', { text: `${p.quantity ?? '?'} ${p.unit || ''}` }),
      el('td', { class: 'fills-left', text: fillsLeft(p) }),
      el('td', { text: p.prescriber || '-' }),
      el('td', { text: written(p) }),
      el('td', {}, el('button', { type: 'button', class: 'dispense',
                                   'aria-label': `Dispense ${p.drug || p.id}${withPatientCol ? ' for ' + p.patient : ''}`,
                                   onclick: () => onDispense(p) }, 'Dispense')))))));
}

export async function queue(me, root) {
  root.append(el('h1', { text: 'Prescriptions to dispense' }));
  const all = el('div', { id: 'rx-all', 'aria-live': 'polite' });
  const list = el('div', { id: 'rx-queue' });
  const result = el('p', { id: 'dispense-result', class: 'status', role: 'status' });
  const form = el('form', { class: 'row card', id: 'queue-form' },
    el('div', {}, el('label', { for: 'patient', text: 'Patient (carekey ID)' }),
      el('input', { id: 'patient', name: 'patient', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false',
                    required: true, value: sessionStorage.getItem('ck-patient') || '' })),
    el('button', { type: 'submit' }, 'Show open prescriptions'));
  let shown = ''; // the patient of the lookup, once asked

  const dispense = async (patient, p) => {
    result.classList.remove('error');
    result.textContent = 'Dispensing…';
    try {
      const out = await post('/ui/api/rx/dispense', { patient, id: p.id, quantity: Number(p.quantity) || 1 });
      result.textContent = `Dispensed ${p.drug} for ${patient}: fill ${out.fill} of ${out.allowed} (MedicationDispense/${out.id}).`;
    } catch (e) {
      result.textContent = `Refused: ${e.message}`;
      result.classList.add('error');
    }
    // both lists again; the lookup keeps a dispensed row's button for a second try
    await Promise.all([loadAll(), shown ? load(shown, p.id) : null]);
  };

  const loadAll = async () => {
    try {
      const q = await get('/ui/api/rx/queue');
      const parts = [el('h2', { text: 'Open prescriptions across your patients' })];
      parts.push(q.rows.length
        ? rxTable(`Open prescriptions in ${q.records} record${q.records === 1 ? '' : 's'} you may dispense on`, q.rows, true,
                  (p) => dispense(p.patient, p))
        : el('p', { class: 'section-status', text: 'No open prescription you may dispense.' }));
      if (q.errors.length) {
        parts.push(el('ul', { id: 'rx-queue-errors', class: 'status error' },
          q.errors.map((e) => el('li', { text: `The record of ${e.patient} could not be read: ${e.message}` }))));
      }
      if (q.truncated) parts.push(el('p', { class: 'section-status', text: 'Only the first records are listed: look a patient up below.' }));
      all.replaceChildren(...parts);
    } catch (e) {
      all.replaceChildren(el('p', { class: 'status error', role: 'alert', text: e.message }));
    }
  };

  const load = async (patient, keep) => {
    try {
      const open = (await get(withPatient('/ui/api/rx/list', patient) + '&open=1')).rows;
      const every = keep ? (await get(withPatient('/ui/api/rx/list', patient))).rows : [];
      const rows = open.concat(every.filter((r) => r.id === keep && !open.some((o) => o.id === keep)));
      list.replaceChildren(rows.length
        ? rxTable(`Open prescriptions of ${patient}`, rows, false, (p) => dispense(patient, p))
        : el('p', { class: 'section-status', text: 'No open prescription you may dispense.' }));
    } catch (e) {
      list.replaceChildren(el('p', { class: 'status error', role: 'alert', text: e.message }));
    }
  };

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    shown = form.patient.value.trim();
    sessionStorage.setItem('ck-patient', shown);
    result.textContent = '';
    load(shown);
  });
  root.append(result, all, el('h2', { text: 'Look up a patient' }), form, list);
  all.append(el('p', { class: 'section-status', text: 'Reading your patients\' records…' }));
  await loadAll();
}
