// web/js/views/pharmacy.js - the pharmacist's queue: a patient's open
// prescriptions she may dispense (GET /ui/api/rx/list?open=1), fills left,
// and a dispense button (POST /ui/api/rx/dispense). The node checks the
// limits on the record head it writes to: a dispense beyond the fills is
// refused and the refusal is shown as the node gives it.
import { get, post, withPatient } from '../api.js';
import { el } from '../dom.js';

export async function queue(me, root) {
  root.append(el('h1', { text: 'Prescriptions to dispense' }));
  const list = el('div', { id: 'rx-queue' });
  const result = el('p', { id: 'dispense-result', class: 'status', role: 'status' });
  const form = el('form', { class: 'row card', id: 'queue-form' },
    el('div', {}, el('label', { for: 'patient', text: 'Patient (carekey ID)' }),
      el('input', { id: 'patient', name: 'patient', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false',
                    required: true, value: sessionStorage.getItem('ck-patient') || '' })),
    el('button', { type: 'submit' }, 'Show open prescriptions'));
  const dispense = async (patient, p) => {
    result.classList.remove('error');
    result.textContent = 'Dispensing…';
    try {
      const out = await post('/ui/api/rx/dispense', { patient, id: p.id, quantity: Number(p.quantity) || 1 });
      result.textContent = `Dispensed ${p.drug}: fill ${out.fill} of ${out.allowed} (MedicationDispense/${out.id}).`;
    } catch (e) {
      result.textContent = `Refused: ${e.message}`;
      result.classList.add('error');
    }
    // the queue again, but keep a dispensed row's button for a second try
    await load(patient, p.id);
  };
  const load = async (patient, keep) => {
    try {
      const open = (await get(withPatient('/ui/api/rx/list', patient) + '&open=1')).rows;
      const all = keep ? (await get(withPatient('/ui/api/rx/list', patient))).rows : [];
      const rows = open.concat(all.filter((r) => r.id === keep && !open.some((o) => o.id === keep)));
      if (!rows.length) {
        list.replaceChildren(el('p', { class: 'section-status', text: 'No open prescription you may dispense.' }));
        return;
      }
      list.replaceChildren(el('div', { class: 'table-wrap' }, el('table', {},
        el('caption', { text: `Open prescriptions of ${patient}` }),
        el('thead', {}, el('tr', {}, ['Drug', 'Quantity', 'Fills left', 'Prescriber', 'Dispense']
          .map((c) => el('th', { scope: 'col', text: c })))),
        el('tbody', {}, rows.map((p) => el('tr', { 'data-id': p.id },
          el('td', { text: p.drug || p.rxnorm || '-' }),
          el('td', { text: `${p.quantity ?? '?'} ${p.unit || ''}` }),
          el('td', { class: 'fills-left', text: `${Math.max(0, p.fills_allowed - p.fills_used)} of ${p.fills_allowed}` }),
          el('td', { text: p.prescriber || '-' }),
          el('td', {}, el('button', { type: 'button', class: 'dispense', 'aria-label': `Dispense ${p.drug || p.id}`,
                                       onclick: () => dispense(patient, p) }, 'Dispense'))))))));
    } catch (e) {
      list.replaceChildren(el('p', { class: 'status error', role: 'alert', text: e.message }));
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = form.patient.value.trim();
    sessionStorage.setItem('ck-patient', p);
    result.textContent = '';
    load(p);
  });
  root.append(form, result, list);
  if (form.patient.value) await load(form.patient.value);
}
