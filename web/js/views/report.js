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

// The family's first question: what is coming up (the personal report's
// appointments from now on, soonest first).
function upcoming(rep) {
  const b = rep.blocks.find((x) => x.name === 'appointments');
  const sec = el('section', { 'aria-labelledby': 'upcoming-h', class: 'card', id: 'upcoming' },
    el('h2', { id: 'upcoming-h', text: 'Upcoming appointments' }));
  if (!b || b.status !== 'shared') {
    sec.append(el('p', { class: 'section-status', text: b ? b.status : 'Appointments are not shared with you.' }));
    return sec;
  }
  const wi = b.columns.indexOf('what'), si = b.columns.indexOf('start'), ei = b.columns.indexOf('where');
  const now = new Date().toISOString();
  const rows = b.rows.filter((r) => r[si] && r[si] >= now).sort((x, y) => x[si].localeCompare(y[si]));
  if (!rows.length) sec.append(el('p', { class: 'section-status', text: 'No upcoming appointments.' }));
  else sec.append(el('ul', { class: 'timeline' }, rows.map((r) => el('li', {},
    el('time', { datetime: r[si], text: r[si].replace('T', ' ').replace(/:00(\.\d+)?Z$/, ' UTC') }), ' ',
    r[wi] || 'Appointment', r[ei] ? ` (${r[ei]})` : ''))));
  return sec;
}

function render(root, kind, rep) {
  if (kind === 'personal') root.append(upcoming(rep));
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
      // a refusal of the record itself: she took access back, or never gave it
      const why = e.status === 403 && e.code === 'forbidden'
        ? `${p} does not share this record with you (any more). The node says: ${e.message}` : e.message;
      out.replaceChildren(el('p', { class: 'status error', role: 'alert', text: why }));
    }
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  // family members see their patient's report at once; others choose
  if (me.role === 'family' && me.patient) form.hidden = true;
  root.append(form, out);
  if (form.patient.value) await load();
}
