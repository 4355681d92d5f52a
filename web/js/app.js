// web/js/app.js - the shell: who is logged in (GET /ui/api/me), the menu of
// her role, and a router over the location hash (no patient data in URLs).
import { get, post, setCsrf } from './api.js';
import { el, setStatus } from './dom.js';
// a view's module is fetched when it is first shown: a page load compiles
// only the shell and the view it opens (bench/ui: the report page)
const lazy = (path, name) => async (me, root) => (await import(path))[name](me, root);
const report = (kind) => async (me, root) => (await import('./views/report.js')).show(me, root, kind);

const views = {
  record: lazy('./views/record.js', 'sections'),
  timeline: lazy('./views/record.js', 'timeline'),
  results: lazy('./views/record.js', 'results'),
  download: lazy('./views/record.js', 'download'),
  sharing: lazy('./views/sharing.js', 'sharing'),
  audit: lazy('./views/sharing.js', 'audit'),
  personal: report('personal'),
  professional: report('professional'),
  research: report('research'),
  prescribe: lazy('./views/rx.js', 'prescribe'),
  pharmacy: lazy('./views/pharmacy.js', 'queue'),
  'break-glass': lazy('./views/emergency.js', 'breakGlass'),
  patients: lazy('./views/care.js', 'patients'),
  'care-forms': lazy('./views/care.js', 'careForms'),
  // the clerk's list is read-only; the hospital admin (the organization's own login) changes it
  staff: (me, root) => (me.role === 'organization' ? lazy('./views/staff.js', 'staff') : lazy('./views/clerk.js', 'staff'))(me, root),
  census: lazy('./views/clerk.js', 'census'),
  calendar: lazy('./views/clerk.js', 'calendar'),
  theatres: lazy('./views/clerk.js', 'theatres'),
  mis: lazy('./views/clerk_mis.js', 'mis'),
  import: lazy('./views/import.js', 'show'),
  publish: lazy('./views/publish.js', 'show'),
  enrollments: lazy('./views/operator.js', 'enrollments'),
  authorities: lazy('./views/operator.js', 'authorities'),
  directory: lazy('./views/operator.js', 'directory'),
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
