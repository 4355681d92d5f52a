// web/js/charts.js - a line chart of one series with Chart.js (Debian's
// libjs-chart.js, served by the node at /vendor/chart.min.js), always next
// to a table of the same numbers for screen readers.
import { el } from './dom.js';

// The leading number of a value such as "72 /min" or "5.4 mmol/L".
export function numberOf(v) {
  const m = /^\s*(-?\d+(?:\.\d+)?)/.exec(String(v || ''));
  return m ? Number(m[1]) : null;
}

export function lineChart(title, points, unit) {
  const canvas = el('canvas', { role: 'img', 'aria-label': `${title}: ${points.length} values over time (table below)` });
  const box = el('div', { class: 'chart' }, canvas);
  if (window.Chart) {
    // eslint-disable-next-line no-new
    new window.Chart(canvas, {
      type: 'line',
      data: { labels: points.map((p) => p.date.slice(0, 10)),
              datasets: [{ label: unit ? `${title} (${unit})` : title, data: points.map((p) => p.value),
                           borderColor: '#0b4f8a', backgroundColor: '#0b4f8a', tension: 0.2 }] },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 plugins: { legend: { display: true } } },
    });
  }
  return box;
}
