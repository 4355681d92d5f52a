// web/js/views/clerk_mis.js - the MIS dashboard (GET /ui/api/clerk/mis):
// the node's reports over the hospital's verified ledger for a period, each
// as a table (the numbers themselves) with a bar chart (Chart.js, Debian's
// libjs-chart.js at /vendor/chart.min.js), and the CSV the node renders.
import { get } from '../api.js';
import { el, table, download } from '../dom.js';

const REPORTS = [['all', 'All reports'], ['admissions', 'Admissions and discharges'], ['occupancy', 'Bed occupancy'],
  ['outpatient', 'Outpatient and emergency visits'], ['prescriptions', 'Prescriptions'], ['theatre', 'Theatre utilisation']];
const PERIOD_KEY = 'ck-mis-period';
const COLOURS = ['#0b4f8a', '#8a3300', '#1d5c2e', '#5b2a86'];

// the numeric columns of a report, charted per row (the "total" row left out)
function barChart(rep, idx) {
  const numeric = rep.columns.map((c, i) => i).filter((i) => i > 0 && rep.rows.length &&
    rep.rows.every((r) => r[i] === '' || !Number.isNaN(Number(r[i]))) && !/beds$|^Beds$|Available/.test(rep.columns[i]));
  const rows = rep.rows.filter((r) => r[0] !== 'total');
  if (!numeric.length || !rows.length || !window.Chart) return null;
  const canvas = el('canvas', { role: 'img', 'aria-label': `${rep.title}: a bar chart of the table below` });
  // eslint-disable-next-line no-new
  new window.Chart(canvas, {
    type: 'bar',
    data: { labels: rows.map((r) => r[0]),
            datasets: numeric.slice(0, 4).map((i, k) => ({ label: rep.columns[i], data: rows.map((r) => Number(r[i] || 0)),
                                                          backgroundColor: COLOURS[k] })) },
    options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } },
  });
  return el('div', { class: 'chart', id: 'mis-chart-' + idx }, canvas);
}

export async function mis(me, root) {
  const period = el('input', { id: 'mis-period', name: 'period', required: true, autocomplete: 'off', spellcheck: 'false',
                               value: sessionStorage.getItem(PERIOD_KEY) || new Date().toISOString().slice(0, 7),
                               'aria-describedby': 'mis-period-hint' });
  const report = el('select', { id: 'mis-report', name: 'report' }, REPORTS.map(([v, t]) => el('option', { value: v, text: t })));
  const out = el('div', { id: 'mis-reports', 'aria-live': 'polite' });
  const query = () => `?report=${encodeURIComponent(report.value)}&period=${encodeURIComponent(period.value.trim())}`;
  const load = async () => {
    if (!period.value.trim()) return;
    sessionStorage.setItem(PERIOD_KEY, period.value.trim());
    out.replaceChildren(el('p', { class: 'status', text: 'Counting…' }));
    try {
      const m = await get('/ui/api/clerk/mis' + query());
      out.replaceChildren(...m.reports.map((rep, i) => el('section', { class: 'card mis-report', 'data-report': rep.report || '',
                                                                         'aria-labelledby': 'mis-' + i },
        el('h2', { id: 'mis-' + i, text: rep.title }), barChart(rep, i), table(rep.title, rep.columns, rep.rows))));
    } catch (e) {
      out.replaceChildren(el('p', { class: 'status error', role: 'alert', text: `${e.code}: ${e.message}` }));
    }
  };
  const form = el('form', { class: 'row card', id: 'mis-form' },
    el('div', {}, el('label', { for: 'mis-period', text: 'Period' }), period,
      el('p', { id: 'mis-period-hint', class: 'note', text: 'A day (2026-11-24), a month (2026-11) or a range (2026-11-01..2026-11-15).' })),
    el('div', {}, el('label', { for: 'mis-report', text: 'Report' }), report),
    el('button', { type: 'submit' }, 'Show'),
    el('button', { type: 'button', class: 'secondary', id: 'mis-csv', onclick: async () => {
      try {
        const res = await fetch('/ui/api/clerk/mis' + query() + '&format=csv', { credentials: 'same-origin' });
        if (!res.ok) throw new Error((await res.json()).error.message);
        download(`mis-${report.value}-${period.value.trim()}.csv`, 'text/csv', await res.text());
      } catch (e) {
        out.prepend(el('p', { class: 'status error', role: 'alert', text: e.message }));
      }
    } }, 'Download CSV'));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  root.append(el('h1', { text: 'MIS dashboard' }), form, out);
  await load();
}
