// web/js/views/emergency.js - the ER physician's break-glass page: a
// mandatory reason and the emergency desk (POST /ui/api/emergency/request),
// then the emergency summary and the remaining access window. The desk
// writes the patient's audit event before any key is released; the keys
// stay in the node. GET /ui/api/emergency/show opens a kept grant again.
import { get, post, withPatient } from '../api.js';
import { el, table } from '../dom.js';

function field(id, label, attrs = {}) {
  return el('div', {}, el('label', { for: id, text: label }),
    el('input', { id, name: id, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', ...attrs }));
}

function remaining(s) {
  if (s <= 0) return 'the access window has ended';
  const m = Math.floor(s / 60);
  return m ? `${m} min ${s % 60} s left` : `${s} s left`;
}

let ticker = null;

// the remaining window counts down on the page; the node refuses the
// summary once it has ended, whatever the page shows
function countdown(g) {
  clearInterval(ticker);
  const end = Date.now() + g.remaining_s * 1000;
  ticker = setInterval(() => {
    const e = document.getElementById('btg-remaining');
    if (!e) { clearInterval(ticker); return; }
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    e.textContent = remaining(left);
    if (!left) clearInterval(ticker);
  }, 1000);
}

function render(out, g) {
  out.replaceChildren(
    el('div', { class: 'card', id: 'btg-window' },
      el('p', {}, el('span', { class: 'badge warn', text: 'Break-glass' }), ' ',
        `Emergency access to ${g.patient} through ${g.desk} until ${g.expires.replace('T', ' ').replace('Z', ' UTC')}: `,
        el('strong', { id: 'btg-remaining', text: remaining(g.remaining_s) }), '.'),
      el('p', { class: 'note', text: `Recorded in the patient's audit log (entry ${g.audit_seq}); ${g.entries} entries released.` })));
  for (const b of g.report.blocks || []) {
    const id = 'btg-block-' + b.name;
    const sec = el('section', { 'aria-labelledby': id, class: 'report-block', 'data-block': b.name }, el('h2', { id, text: b.title }));
    if (b.status !== 'shared') sec.append(el('p', { class: 'section-status', text: b.status }));
    else if (!b.rows.length) sec.append(el('p', { class: 'section-status', text: 'None recorded.' }));
    else sec.append(table(b.title, b.columns, b.rows));
    out.append(sec);
  }
  countdown(g);
}

export async function breakGlass(me, root) {
  root.append(el('h1', { text: 'Emergency access (break-glass)' }),
    el('p', { class: 'lead', text: 'Only when the patient cannot consent and care cannot wait. Your reason goes into ' +
      'the patient\'s record, and she sees it.' }));
  const out = el('div', { id: 'btg-summary' });
  const result = el('p', { id: 'btg-result', class: 'status', role: 'status' });
  const form = el('form', { class: 'card', id: 'btg-form' },
    field('patient', 'Patient (carekey ID)', { required: true, value: sessionStorage.getItem('ck-patient') || '' }),
    field('reason', 'Reason (required)', { required: true, maxlength: '512' }),
    el('div', { class: 'row' },
      field('minutes', 'Access window (minutes)', { type: 'number', min: '1', max: '1440', value: '30', required: true }),
      field('desk', 'Emergency desk address', { type: 'url', required: true,
                                               value: localStorage.getItem('ck-desk') || 'http://127.0.0.1:8600' })),
    el('div', { class: 'row' },
      el('button', { type: 'submit', id: 'btg-submit' }, 'Break the glass'),
      el('button', { type: 'button', id: 'btg-show', class: 'secondary' }, 'Show the summary again')));
  const run = async (fn) => {
    result.classList.remove('error');
    result.textContent = 'Asking the emergency desk…';
    try {
      render(out, await fn());
      result.textContent = '';
    } catch (e) {
      out.replaceChildren();
      result.textContent = e.message;
      result.classList.add('error');
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const patient = form.patient.value.trim(), reason = form.reason.value.trim();
    if (!reason) { result.textContent = 'A reason is required.'; result.classList.add('error'); return; }
    sessionStorage.setItem('ck-patient', patient);
    localStorage.setItem('ck-desk', form.desk.value.trim());
    run(() => post('/ui/api/emergency/request', { patient, reason, minutes: Number(form.minutes.value),
                                                  desk: form.desk.value.trim() }));
  });
  form.querySelector('#btg-show').addEventListener('click', () => {
    const patient = form.patient.value.trim();
    if (patient) run(() => get(withPatient('/ui/api/emergency/show', patient)));
  });
  root.append(form, result, out);
}
