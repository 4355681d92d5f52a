// web/js/views/rx.js - the doctor's prescribe form (POST /ui/api/rx/write):
// the node checks allergies and duplicates; a blocked prescription comes
// back with its warnings, shown inline, and the form then asks for an
// override reason. Refusals are the node's reason, shown as they come.
import { get, post, withPatient } from '../api.js';
import { el, table } from '../dom.js';

function field(id, label, attrs = {}) {
  return el('div', {}, el('label', { for: id, text: label }),
    el('input', { id, name: id, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', ...attrs }));
}

function prescriptionsTable(rows) {
  return table('Prescriptions in this record', ['Drug', 'Status', 'Fills used', 'Dose', 'Written'],
    rows.map((p) => [p.drug || p.rxnorm || '-', p.status || '?', `${p.fills_used} of ${p.fills_allowed}`, p.dose || '-',
                     (p.authored || '').slice(0, 16).replace('T', ' ')]));
}

export async function prescribe(me, root) {
  const drugs = await get('/ui/api/rx/drugs');
  root.append(el('h1', { text: 'Prescribe' }),
    el('p', { class: 'lead', text: 'The node reads the patient\'s allergies and medications before it writes: ' +
      'an allergy or a duplicate therapy blocks the prescription unless you override it with a reason.' }));
  const select = el('select', { id: 'drug', name: 'drug', required: true },
    drugs.map((d) => el('option', { value: d.rxnorm, text: `${d.name} (RxNorm ${d.rxnorm})` })));
  const warnings = el('div', { id: 'rx-warnings', 'aria-live': 'polite' });
  const result = el('p', { id: 'rx-result', class: 'status', role: 'status' });
  const existing = el('div', { id: 'rx-existing' });
  const override = el('div', { id: 'override-box', hidden: true },
    field('override', 'Reason to prescribe despite the warnings', { maxlength: '1000' }));
  const form = el('form', { class: 'card', id: 'rx-form' },
    field('patient', 'Patient (carekey ID)', { required: true, value: sessionStorage.getItem('ck-patient') || '' }),
    el('div', {}, el('label', { for: 'drug', text: 'Drug' }), select),
    el('div', { class: 'row' },
      field('quantity', 'Quantity per fill', { type: 'number', min: '1', max: '100000', required: true, value: '30' }),
      field('refills', 'Refills', { type: 'number', min: '0', max: '99', value: '0' })),
    field('dose', 'Dosage instruction', { maxlength: '1000' }),
    override, warnings,
    el('button', { type: 'submit', id: 'rx-submit' }, 'Prescribe'));
  const showExisting = async (patient) => {
    try {
      const l = await get(withPatient('/ui/api/rx/list', patient));
      existing.replaceChildren(el('h2', { text: 'Current prescriptions' }),
        l.rows.length ? prescriptionsTable(l.rows) : el('p', { class: 'section-status', text: 'None that you may read.' }));
    } catch (e) {
      existing.replaceChildren(el('p', { class: 'status error', text: e.message }));
    }
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const patient = form.patient.value.trim();
    sessionStorage.setItem('ck-patient', patient);
    const body = { patient, rxnorm: select.value, quantity: Number(form.quantity.value), refills: Number(form.refills.value || 0) };
    if (form.dose.value.trim()) body.dose = form.dose.value.trim();
    if (!override.hidden && form.override.value.trim()) body.override = form.override.value.trim();
    result.textContent = 'Checking and writing…';
    result.classList.remove('error');
    try {
      const out = await post('/ui/api/rx/write', body);
      warnings.replaceChildren();
      override.hidden = true;
      form.override.required = false; // a hidden required field would block the next prescription
      form.override.value = '';
      result.textContent = `Prescribed (MedicationRequest/${out.id}, entry ${out.seq}; copied to the ledger of ${out.org})` +
        (out.overridden ? ', warnings overridden.' : '.');
      await showExisting(patient);
    } catch (e) {
      result.textContent = '';
      if (e.code === 'rx_warnings' && e.data && e.data.warnings) {
        warnings.replaceChildren(el('div', { class: 'card warn-box', role: 'alert' },
          el('h2', { text: 'Not prescribed: the checks found warnings' }),
          el('ul', { id: 'rx-warning-list' }, e.data.warnings.map((w) =>
            el('li', {}, el('span', { class: 'badge warn', text: w.code }), ' ', w.message))),
          el('p', { text: 'Give a reason in the field above and prescribe again to override them.' })));
        override.hidden = false;
        form.override.required = true;
        form.override.focus();
      } else {
        result.textContent = e.message;
        result.classList.add('error');
      }
    }
  });
  root.append(form, result, existing);
  if (form.patient.value) await showExisting(form.patient.value);
}
