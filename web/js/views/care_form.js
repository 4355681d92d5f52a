// web/js/views/care_form.js - one care form (POST /ui/api/care/OP) in two
// steps: "Review" sends the form with check: true (the node validates it,
// nothing is written) and shows what will be written; "Save" writes it. A
// refusal is shown as the node gives it: its error key and message.
import { post } from '../api.js';
import { el } from '../dom.js';

// spec: { op, title, intro, fields: [{ name, label, type, required, options, hint, value, min, max }],
//         body(values) -> the JSON body, review(values, check reply) -> [[label, text]],
//         done(reply, values) -> text }
export function careForm(spec, patientOf) {
  const id = (n) => `${spec.op}-${n}`; // fields must not be named result, review, check, save, edit, form, card or title
  const inputs = {};
  const result = el('div', { id: id('result'), class: 'form-result' });
  const review = el('div', { id: id('review'), class: 'review', hidden: true });
  const fields = spec.fields.map((f) => {
    const attrs = { id: id(f.name), name: f.name, required: !!f.required, autocomplete: 'off',
                    'aria-describedby': f.hint ? id(f.name + '-hint') : undefined };
    let input;
    if (f.type === 'select') {
      input = el('select', attrs, f.options.map(([v, t]) => el('option', { value: v, text: t })));
    } else if (f.type === 'textarea') {
      input = el('textarea', { ...attrs, rows: 4 });
    } else {
      input = el('input', { ...attrs, type: f.type || 'text', min: f.min, max: f.max, step: f.step,
                            list: f.list, spellcheck: f.type ? undefined : 'false' });
    }
    if (f.value !== undefined) input.value = f.value;
    inputs[f.name] = input;
    return el('div', { class: 'field' }, el('label', { for: id(f.name), text: f.label + (f.required ? '' : ' (optional)') }),
      input, f.hint ? el('p', { id: id(f.name + '-hint'), class: 'note', text: f.hint }) : null);
  });
  const values = () => {
    const v = { patient: patientOf ? patientOf() : '' };
    for (const [k, i] of Object.entries(inputs)) v[k] = i.value.trim();
    return v;
  };
  const show = (node) => result.replaceChildren(node);
  const refusal = (e) => el('p', { class: 'status error', role: 'alert' },
    el('strong', { text: spec.refusedText || 'Refused' }), ` (${e.code}): ${e.message}`);

  const form = el('form', { id: id('form'), class: 'care-form', novalidate: true },
    el('div', { class: 'grid' }, fields),
    el('button', { type: 'submit', id: id('check') }, 'Review'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = values();
    if (patientOf && !v.patient) { show(el('p', { class: 'status error', role: 'alert', text: 'Choose a patient first.' })); return; }
    const missing = spec.fields.filter((f) => f.required && !v[f.name]).map((f) => f.label);
    if (missing.length) { show(el('p', { class: 'status error', role: 'alert', text: `Fill in: ${missing.join(', ')}.` })); return; }
    review.hidden = true;
    show(el('p', { class: 'status', text: 'Checking…' }));
    let body, checked;
    try {
      body = spec.body(v);
      checked = await post('/ui/api/care/' + spec.op, { ...body, check: true });
    } catch (e) {
      show(refusal(e));
      return;
    }
    show(el('p', { class: 'status', text: 'Check what will be written, then save it.' }));
    const rows = spec.review(v, checked || {}).filter(([, t]) => t !== undefined && t !== '');
    const save = el('button', { type: 'button', id: id('save') }, 'Save');
    const edit = el('button', { type: 'button', class: 'secondary', id: id('edit') }, 'Change');
    review.replaceChildren(
      el('h3', { id: id('review-title'), text: 'What will be written' }),
      el('dl', { 'aria-labelledby': id('review-title') }, rows.flatMap(([k, t]) => [el('dt', { text: k }), el('dd', { text: String(t) })])),
      el('div', { class: 'row-buttons' }, save, edit));
    review.hidden = false;
    save.focus();
    edit.addEventListener('click', () => { review.hidden = true; show(el('span')); inputs[spec.fields[0].name].focus(); });
    save.addEventListener('click', async () => {
      save.disabled = true;
      show(el('p', { class: 'status', text: 'Saving…' }));
      try {
        const reply = await post('/ui/api/care/' + spec.op, body);
        review.hidden = true;
        show(el('p', { class: 'status ok', role: 'status', text: spec.done(reply, v) }));
        if (spec.after) spec.after(reply, v);
      } catch (e) {
        review.hidden = true;
        show(refusal(e));
      }
    });
  });
  const hid = id('title');
  return el('section', { class: 'card', 'aria-labelledby': hid, id: id('card') },
    el('h2', { id: hid, text: spec.title }), spec.intro ? el('p', { class: 'note', text: spec.intro }) : null,
    form, review, result);
}

// "2026-11-24T08:00" from a datetime-local input (or the node's resolved
// "2026-11-24T08:00:00Z"), shown as "2026-11-24 08:00 UTC"
export const when = (v) => (v ? v.replace('T', ' ').replace(/(:\d\d):00Z$/, '$1').replace(/Z$/, '') + ' UTC' : 'now');
