// web/js/app.js - the shell: who is logged in (GET /ui/api/me), the menu of
// her role, and a router over the location hash (no patient data in URLs).
import { get, post, setCsrf } from './api.js';
import { el, setStatus } from './dom.js';
import * as record from './views/record.js';
import * as sharing from './views/sharing.js';
import * as report from './views/report.js';
import * as rx from './views/rx.js';
import * as pharmacy from './views/pharmacy.js';
import * as emergency from './views/emergency.js';
import * as care from './views/care.js';
import * as clerk from './views/clerk.js';
import * as clerkMis from './views/clerk_mis.js';
import * as importer from './views/import.js';
import * as publish from './views/publish.js';
import * as operator from './views/operator.js';
import * as staffAdmin from './views/staff.js';

const views = {
  record: record.sections,
  timeline: record.timeline,
  results: record.results,
  download: record.download,
  sharing: sharing.sharing,
  audit: sharing.audit,
  personal: (me, root) => report.show(me, root, 'personal'),
  professional: (me, root) => report.show(me, root, 'professional'),
  research: (me, root) => report.show(me, root, 'research'),
  prescribe: rx.prescribe,
  pharmacy: pharmacy.queue,
  'break-glass': emergency.breakGlass,
  patients: care.patients,
  'care-forms': care.careForms,
  // the clerk's list is read-only; the hospital admin (the organization's own login) changes it
  staff: (me, root) => (me.role === 'organization' ? staffAdmin.staff : clerk.staff)(me, root),
  census: clerk.census,
  calendar: clerk.calendar,
  theatres: clerk.theatres,
  mis: clerkMis.mis,
  import: importer.show,
  publish: publish.show,
  enrollments: operator.enrollments,
  authorities: operator.authorities,
  directory: operator.directory,
};

let me = null;
let shown = 0; // the latest route: an earlier one still loading must not claim the page

function renderMenu() {
  const nav = document.getElementById('menu');
  nav.replaceChildren(...me.menu.map((m) => el('a', { href: '#' + m.id, id: 'menu-' + m.id, text: m.label })));
}

async function route() {
  const turn = ++shown;
  const id = location.hash.slice(1) || (me.menu[0] && me.menu[0].id);
  const root = document.getElementById('view');
  for (const a of document.querySelectorAll('#menu a'))
    if (a.getAttribute('href') === '#' + id) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  root.replaceChildren();
  delete root.dataset.view;
  if (!id || !views[id] || !me.menu.some((m) => m.id === id)) {
    setStatus(me.menu.length ? 'This page is not in your menu.' : 'There is nothing for your role here yet.', !!id);
    return;
  }
  setStatus('Loading…');
  // each route draws into a box of its own: one left behind writes into a box no longer shown
  const box = el('div');
  root.append(box);
  try {
    await views[id](me, box);
    if (turn !== shown) return;
    setStatus('');
    root.dataset.view = id; // rendered (tests wait for it)
    performance.mark('ck-rendered'); // BENCH=ui (bench/ui/report_page.mjs)
    const h = box.querySelector('h1');
    if (h) { h.setAttribute('tabindex', '-1'); h.focus(); }
  } catch (e) {
    if (turn !== shown) return;
    if (e.status === 401) { location.assign('/'); return; }
    setStatus(e.message || String(e), true);
  }
}

async function start() {
  try {
    me = await get('/ui/api/me');
  } catch (e) {
    location.assign('/');
    return;
  }
  setCsrf(me.csrf);
  document.getElementById('who').textContent = `${me.gid} (${me.role})`;
  document.getElementById('logout').addEventListener('click', async () => {
    try { await post('/ui/api/logout', {}); } finally { location.assign('/'); }
  });
  renderMenu();
  window.addEventListener('hashchange', route);
  await route();
}

start();
