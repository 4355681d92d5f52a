// web/js/views/report.js - the reports of a record (GET /ui/api/report/KIND):
// personal (family), professional (clinicians, with trend charts of results)
// and research (the de-identified copy, as a table and CSV).
import { get, withPatient } from '../api.js';
import { el, table, download } from '../dom.js';
import { lineChart, numberOf } from '../charts.js';

const TITLES = { personal: 'Personal report', professional: 'Professional report', research: 'Research cohort' };

function csv(report) {
  const q = (s) => '"' + String(s).replace(/"/g, '""') + '"';
  const lines = ['block,' + 'row,column,value'];
  for (const b of report.blocks)
    b.rows.forEach((r, i) => r.forEach((v, j) => lines.push([q(b.name), i + 1, q(b.columns[j]), q(v)].join(','))));
  return lines.join('\r\n') + '\r\n';
}

function resultCharts(block) {
  const ti = block.columns.indexOf('test'), vi = block.columns.indexOf('value'), di = block.columns.indexOf('date');
  if (ti < 0 || vi < 0 || di < 0) return [];
  const by = new Map();
  for (const r of block.rows) {
    const v = numberOf(r[vi]);
    if (v === null || !r[di]) continue;
    if (!by.has(r[ti])) by.set(r[ti], []);
    by.get(r[ti]).push({ date: r[di], value: v });
  }
  return [...by.entries()].filter(([, p]) => p.length >= 3).sort((a, b) => b[1].length - a[1].length).slice(0, 2)
    .map(([name, p]) => {
      p.sort((a, b) => a.date.localeCompare(b.date));
      return el('div', {}, el('h3', { text: `Trend: ${name}` }), lineChart(name, p.slice(-60), ''));
    });
}

function render(root, kind, rep) {
  for (const b of rep.blocks) {
    const id = 'block-' + b.name;
    const sec = el('section', { 'aria-labelledby': id, class: 'report-block', 'data-block': b.name },
      el('h2', { id, text: b.title }));
    if (b.status !== 'shared') sec.append(el('p', { class: 'section-status', text: b.status }));
    else if (!b.rows.length) sec.append(el('p', { class: 'section-status', text: 'None recorded.' }));
    else {
      if (kind === 'professional' && b.name === 'results') sec.append(...resultCharts(b));
      sec.append(table(b.title, b.columns, b.rows.slice(0, 30)));
      if (b.rows.length > 30) sec.append(el('p', { class: 'note', text: `${b.rows.length - 30} more rows not shown (all of them in the download).` }));
    }
    root.append(sec);
  }
}

export async function show(me, root, kind) {
  root.append(el('h1', { text: TITLES[kind] }));
  const out = el('div', { id: 'report' });
  const form = el('form', { class: 'row card', id: 'patient-form' },
    el('div', {}, el('label', { for: 'patient', text: 'Patient (carekey ID)' }),
      el('input', { id: 'patient', name: 'patient', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false',
                    value: sessionStorage.getItem('ck-patient') || me.patient || '', required: true })),
    el('button', { type: 'submit' }, 'Show report'));
  const load = async () => {
    const p = form.patient.value.trim();
    if (!p) return;
    sessionStorage.setItem('ck-patient', p);
    out.replaceChildren(el('p', { class: 'status', text: 'Opening the record…' }));
    try {
      const rep = await get(withPatient('/ui/api/report/' + kind, p));
      out.replaceChildren();
      if (kind === 'research') {
        out.append(el('p', { text: rep.research_copy ? 'The de-identified copy this patient published for research.'
                                                     : 'This patient has not published a research copy you can read.' }),
          el('button', { type: 'button', id: 'csv', class: 'secondary',
                         onclick: () => download('carekey-research.csv', 'text/csv', csv(rep)) }, 'Download CSV'));
      }
      render(out, kind, rep);
    } catch (e) {
      out.replaceChildren(el('p', { class: 'status error', role: 'alert', text: e.message }));
    }
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  // family members see their patient's report at once; others choose
  if (me.role === 'family' && me.patient) form.hidden = true;
  root.append(form, out);
  if (form.patient.value) await load();
}
