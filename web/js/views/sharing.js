// web/js/views/sharing.js - the patient's sharing (her profile, the grants
// of her verified record and her family, in plain words; the change form:
// grants, revocations, family invitations, her hospitals) and her audit log
// in human terms, break-glass reads highlighted.
import { get, post, withPatient } from '../api.js';
import { el, table } from '../dom.js';

const SECTION_NAMES = { demographics: 'Who you are (demographics)', allergies: 'Allergies', problems: 'Problems',
  medications: 'Medications', results: 'Results', encounters: 'Visits and stays', procedures: 'Procedures',
  immunizations: 'Immunizations', careplans: 'Care plans', appointments: 'Appointments', documents: 'Documents',
  research: 'De-identified research copy', emergency: 'Emergency summary', audit: 'Audit events',
  billing: 'Billing', directory: 'Hospital directory entries', other: 'Anything else' };

// "owner@patient-x or (doctor@medical-board and staff@hosp-a)" in plain words
export function plainPolicy(policy, gid) {
  const who = (label) => {
    const [attr, auth] = label.split('@');
    if (auth === 'patient-' + gid) return { owner: 'you', family: 'your family' }[attr] || `${attr} (yours)`;
    const roles = { doctor: 'doctors', nurse: 'nurses', pharmacist: 'pharmacists', researcher: 'researchers',
                    emergency: 'the emergency desk', staff: `staff of ${auth}`, billing: `the billing office of ${auth}` };
    return roles[attr] || label;
  };
  return policy.replace(/[A-Za-z0-9._-]+@[A-Za-z0-9._-]+/g, who).replace(/\band\b/g, 'who are also')
    .replace(/[()]/g, '').replace(/\s+/g, ' ').trim();
}

export async function sharing(me, root) {
  const s = await get(withPatient('/ui/api/sharing', me.patient || me.gid));
  root.append(el('h1', { text: 'Who can see my record' }));
  root.append(el('h2', { text: 'Your sharing rules' }));
  if (!s.profile.length || !s.rules) root.append(el('p', { class: 'section-status', text: 'No sharing profile signed yet.' }));
  else {
    const p = s.profile[s.profile.length - 1];
    root.append(el('p', { class: 'plain', text: `You signed these rules on ${p.time.slice(0, 10)}. ` +
        `Your treating hospitals: ${s.rules.hospitals.split(',').join(', ')}; your emergency desk: ${s.rules.er_desk}.` }),
      table('Who can read each part of your record', ['Part of your record', 'Who can read it'],
        Object.entries(s.rules.sections).map(([name, policy]) => [SECTION_NAMES[name] || name, plainPolicy(policy, me.gid)])));
  }
  root.append(el('h2', { text: 'People and services you let in' }));
  const active = s.grants.filter((g) => !g.revoked);
  root.append(el('ul', { id: 'grants-plain' }, active.map((g) => el('li', { text: g.plain }))));
  root.append(table('Every grant in your record', ['Who', 'Sections', 'Since', 'Until', 'State'],
    s.grants.map((g) => [g.grantee, g.sections === '*' ? 'every section' : g.sections, g.since.slice(0, 10),
                         g.until ? g.until.slice(0, 10) : 'no end',
                         el('span', { class: 'badge ' + (g.revoked ? 'muted' : 'ok'), text: g.revoked ? 'revoked' : 'active' })])));
  if (Array.isArray(s.readers)) {
    root.append(el('h2', { text: 'Who can fetch your record' }),
      s.readers.length ? el('ul', { id: 'readers-plain' }, s.readers.map((r) => el('li', { text: r.plain })))
                       : el('p', { id: 'readers-plain', class: 'section-status', text: 'Nobody besides the people above.' }));
  }
  const change = changeForm(me, root, s.rules ? s.rules.hospitals : '');
  if (Array.isArray(s.family)) root.append(familyList(s.family, change.propose));
  root.append(change.section);
}

// Her family: who holds her family key, each with "End access" (a revocation,
// reviewed in the change form's review like any other change).
function familyList(family, propose) {
  const items = family.map((f) => el('li', {},
    el('span', { class: 'plain', text: f.plain + ' ' }),
    el('button', { type: 'button', class: 'secondary', 'data-gid': f.gid, 'aria-label': `End access for ${f.gid}`,
                   onclick: () => propose({ action: 'revoke', grantee: f.gid }) }, 'End access')));
  return el('section', { 'aria-labelledby': 'family-h' }, el('h2', { id: 'family-h', text: 'Your family' }),
    items.length ? el('ul', { id: 'family-list' }, items)
                 : el('p', { id: 'family-list', class: 'section-status',
                             text: 'Nobody holds your family key. Invite a family member or friend below.' }));
}

// The change form: the node says in plain words what the change will do
// (confirm: false), the patient confirms, then it is saved.
const WRITABLE = ['allergies', 'problems', 'medications', 'results', 'encounters', 'procedures', 'immunizations',
                  'careplans', 'appointments', 'documents'];

function changeForm(me, root, hospitals) {
  const patient = me.patient || me.gid;
  const radio = (name, value, label, checked) => el('label', { class: 'choice' },
    el('input', { type: 'radio', name, value, checked }), ' ' + label);
  const secs = el('fieldset', { id: 'change-sections', hidden: true },
    el('legend', { text: 'Sections she may add to' }),
    WRITABLE.map((n) => el('label', { class: 'choice' }, el('input', { type: 'checkbox', name: 'section', value: n }),
                          ' ' + (SECTION_NAMES[n] || n))),
    el('label', { class: 'choice' }, el('input', { type: 'checkbox', name: 'delegate', id: 'change-delegate' }),
       ' She may also grant and take back access for me'));
  const form = el('form', { id: 'change-form', class: 'card', novalidate: true },
    el('h2', { text: 'Change who can see my record' }),
    el('fieldset', {}, el('legend', { text: 'What to do' }),
      radio('action', 'read', 'Let a person fetch and read my record', true),
      radio('action', 'write', 'Let a person add to sections of my record', false),
      radio('action', 'family', 'Invite a family member or friend (your family key)', false),
      radio('action', 'revoke', 'Take back everything a person holds', false),
      radio('action', 'hospitals', 'Change my treating hospitals', false)),
    el('div', { id: 'change-hospitals-row', hidden: true },
      el('label', { for: 'change-hospitals', text: 'Treating hospitals (IDs, separated by commas)' }),
      el('input', { id: 'change-hospitals', name: 'hospitals', autocomplete: 'off', value: hospitals || '' })),
    el('div', { id: 'change-grantee-row' }, el('label', { for: 'change-grantee', text: 'Person (carekey ID)' }),
      el('input', { id: 'change-grantee', name: 'grantee', autocomplete: 'off', autocapitalize: 'none',
                    spellcheck: 'false', required: true })),
    secs,
    el('div', { id: 'change-expires-row' }, el('label', { for: 'change-expires', text: 'Until (30d, 12h, 2027-01-31; empty: no end)' }),
      el('input', { id: 'change-expires', name: 'expires', autocomplete: 'off' })),
    el('button', { type: 'submit', id: 'change-preview' }, 'Review the change'));
  const review = el('div', { id: 'change-review', class: 'card', hidden: true, 'aria-live': 'polite' });
  const body = () => {
    const action = form.querySelector('input[name=action]:checked').value;
    if (action === 'hospitals')
      return { action, hospitals: form.hospitals.value.split(',').map((h) => h.trim()).filter(Boolean) };
    if (action === 'family') return { action, gid: form.grantee.value.trim() };
    const b = { action: action === 'revoke' ? 'revoke' : 'grant', grantee: form.grantee.value.trim() };
    if (action !== 'revoke') {
      b.access = action;
      if (form.expires.value.trim()) b.expires = form.expires.value.trim();
    }
    if (action === 'write') {
      b.sections = [...form.querySelectorAll('input[name=section]:checked')].map((c) => c.value);
      if (form.delegate.checked) b.delegate = true;
    }
    return b;
  };
  const sync = () => {
    const action = form.querySelector('input[name=action]:checked').value;
    secs.hidden = action !== 'write';
    form.querySelector('#change-expires-row').hidden = ['revoke', 'hospitals', 'family'].includes(action);
    form.querySelector('#change-grantee-row').hidden = action === 'hospitals';
    form.querySelector('#change-hospitals-row').hidden = action !== 'hospitals';
    form.grantee.required = action !== 'hospitals';
    review.hidden = true;
  };
  form.addEventListener('change', sync);
  const fail = (e) => review.replaceChildren(el('p', { class: 'status error', role: 'alert', id: 'change-error',
                                                       text: `Not saved: ${e.message}` }));
  // what the change b will do, said by the node; saved only on "Save this change"
  const propose = async (b) => {
    review.hidden = false;
    try {
      const said = await post(withPatient('/ui/api/sharing/change', patient), { ...b, confirm: false });
      const save = el('button', { type: 'button', id: 'change-save' }, 'Save this change');
      const cancel = el('button', { type: 'button', class: 'secondary', id: 'change-cancel' }, 'Cancel');
      cancel.addEventListener('click', () => { review.hidden = true; });
      save.addEventListener('click', async () => {
        save.disabled = true;
        try {
          await post(withPatient('/ui/api/sharing/change', patient), { ...b, confirm: true });
          root.replaceChildren();
          await sharing(me, root);
          const done = el('p', { class: 'status', role: 'status', id: 'change-done', text: `Saved: ${said.plain}` });
          root.querySelector('h1').after(done);
        } catch (e) { fail(e); }
      });
      review.replaceChildren(el('h3', { text: 'This change will mean' }),
        el('p', { class: 'plain', id: 'change-plain', text: said.plain }), el('div', { class: 'row' }, save, cancel));
      save.focus();
    } catch (e) { fail(e); }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    propose(body());
  });
  return { section: el('section', { 'aria-label': 'Change sharing' }, form, review), propose };
}

export async function audit(me, root) {
  const a = await get(withPatient('/ui/api/audit', me.patient || me.gid));
  const all = a.events.slice().reverse();
  const btg = all.filter((e) => e.break_glass);
  const latest = all.slice(0, 50);
  const row = (e) => [e.time.replace('T', ' ').replace('Z', ' UTC'),
    e.break_glass ? el('span', {}, el('span', { class: 'badge warn', text: 'Break-glass' }), ' ', e.plain) : e.plain,
    e.purpose || '-', e.outcome || String(e.status)];
  root.append(el('h1', { text: 'Who looked at my record' }),
    el('p', { id: 'audit-summary', text: `${all.length} events, newest first.` +
      (btg.length ? ` ${btg.length} emergency (break-glass) access${btg.length > 1 ? 'es are' : ' is'} highlighted.`
                  : ' No emergency access.') }));
  if (btg.length)
    root.append(el('h2', { text: 'Emergency access (break-glass)' }),
      table('Every break-glass access to your record', ['When', 'What happened', 'Purpose', 'Outcome'],
        btg.map(row), () => 'break-glass'));
  root.append(el('h2', { text: 'Latest events' }),
    table(`The latest ${latest.length} of ${all.length} events`, ['When', 'What happened', 'Purpose', 'Outcome'],
      latest.map(row), (i) => (latest[i].break_glass ? 'break-glass' : undefined)));
}
