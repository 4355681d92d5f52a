// web/js/views/operator.js - the operator's pages (GET/POST /ui/api/operator/*):
// the enrollment requests to approve or reject, the registered authorities
// and their signed epoch tables (each checked against the pinned operator key
// and the authority's own key), and the directory of organizations and staff.
import { get, post } from '../api.js';
import { el, table, setStatus } from '../dom.js';

export async function enrollments(me, root) {
  const q = await get('/ui/api/operator/pending');
  root.append(el('h1', { text: 'Enrollments to approve' }));
  if (!q.pending.length) {
    root.append(el('p', { id: 'pending-none', text: 'No request is waiting.' }));
    return;
  }
  const decide = async (gid, approve, row) => {
    try {
      const d = await post('/ui/api/operator/decide', { gid, approve });
      row.replaceChildren(el('td', { colspan: '4', text: `${d.gid}: ${approve ? 'approved' : 'rejected'}` +
        (d.authority ? `, authority ${d.authority} signed` : '') }));
      setStatus(`${gid} ${approve ? 'approved' : 'rejected'}.`);
    } catch (e) {
      setStatus(`Not done: ${e.message} (${e.code})`, true);
    }
  };
  const body = el('tbody');
  for (const p of q.pending) {
    const row = el('tr', { 'data-gid': p.gid });
    const yes = el('button', { type: 'button', 'aria-label': `Approve ${p.gid}`, text: 'Approve' });
    const no = el('button', { type: 'button', class: 'secondary', 'aria-label': `Reject ${p.gid}`, text: 'Reject' });
    yes.addEventListener('click', () => decide(p.gid, true, row));
    no.addEventListener('click', () => decide(p.gid, false, row));
    row.append(el('td', { text: p.gid }), el('td', { text: p.role || '' }),
      el('td', { text: p.join_org || p.organization || '' }), el('td', {}, yes, ' ', no));
    body.append(row);
  }
  root.append(el('table', { id: 'pending' },
    el('caption', { text: `${q.pending.length} requests, oldest first` }),
    el('thead', {}, el('tr', {}, ...['Person', 'Role', 'Organization', 'Decision'].map((c) => el('th', { scope: 'col', text: c })))),
    body));
}

export async function authorities(me, root) {
  const a = await get('/ui/api/operator/authorities');
  root.append(el('h1', { text: 'Authorities and their epochs' }),
    table(`${a.authorities.length} authorities`, ['Authority', 'Organization', 'Checked', 'Epoch table', 'Epochs'],
      a.authorities.map((x) => [x.name, x.organization || '',
        el('span', { class: 'badge ' + (x.verified ? 'ok' : 'warn'), text: x.verified ? 'verified' : (x.problem || 'not verified') }),
        x.epoch_table ? `version ${x.epoch_table.version}` : 'none',
        x.epoch_table ? Object.entries(x.epoch_table.epochs || {}).map(([l, e]) => `${l}: ${e}`).join(', ') : ''])));
}

export async function directory(me, root) {
  const d = await get('/ui/api/operator/directory');
  root.append(el('h1', { text: 'Directory' }),
    table(`${d.orgs.length} organizations`, ['Organization', 'Kind', 'Name'],
      d.orgs.map((o) => [o.name, o.kind || '', o.display_name || ''])),
    table(`${d.staff.length} people`, ['Person', 'Role', 'Organization', 'Unit', 'Title', 'State'],
      d.staff.map((p) => [p.gid, p.role || '', p.org || '', p.unit || '', p.title || '',
        el('span', { class: 'badge ' + (p.active ? 'ok' : 'muted'), text: p.active ? 'active' : 'inactive' })])));
}
