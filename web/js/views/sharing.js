// web/js/views/sharing.js - the patient's sharing (her profile and the grants
// of her verified record, in plain words) and her audit log in human terms,
// break-glass reads highlighted.
import { get, withPatient } from '../api.js';
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
  root.append(el('p', { class: 'note', text: 'Changing these rules from this page comes next; use "carekey grant" and "carekey sharing" meanwhile.' }));
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
