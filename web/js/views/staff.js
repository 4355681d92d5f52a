// web/js/views/staff.js - the hospital admin's staff page (the organization's
// own login; GET /ui/api/staff, POST /ui/api/staff/add, /end and /care-team):
// the staff, active and ended, with their attributes of the organization;
// taking someone on, with extra attributes of the organization (reviewed in
// plain words before it is sent); ending an affiliation (confirmed in plain
// words: what is revoked); the care team of a patient who made the
// organization her delegate (reviewed, then the grants given and counted).
// A refusal is shown as "Not saved: <the node's reason>".
import { get, post } from '../api.js';
import { el } from '../dom.js';

const ARTICLE = { doctor: 'a doctor', nurse: 'a nurse', clerk: 'a clerk', pharmacist: 'a pharmacist' };
const words = (csv) => (csv || '').split(',').filter(Boolean).join(', ');
const day = (ms) => (ms ? new Date(ms).toISOString().slice(0, 10) : '');

// "level@ORG=3" -> "level@ORG with the value 3"
const attrWords = (a) => a.replace(/^(.*)=(\d+)$/, '$1 with the value $2');
// the extra attributes as typed: separated by spaces or commas
const attrList = (text) => text.split(/[\s,]+/).filter(Boolean);
// an attribute of org as typed: NAME@ORG or NAME@ORG=N (the node checks the rest)
const ofOrg = (a, org) => a.endsWith('@' + org) || (a.includes('@' + org + '=') && /=\d+$/.test(a));

function badge(state) {
  const cls = state === 'active' ? 'ok' : 'muted';
  return el('span', { class: 'badge ' + cls, text: state });
}

// what taking gid on means, in plain words (the review)
function joinWords(s, v) {
  const unit = s.units.find((u) => u.name === v.unit);
  const role = s.roles.find((r) => r.role === v.role) || {};
  const where = unit ? ` in ${v.unit} (${unit.display_name || unit.kind})` : '';
  const titled = v.title ? `, titled "${v.title}"` : '';
  const extra = v.attrs.length ? `, and ${v.attrs.length === 1 ? 'one more key' : v.attrs.length + ' more keys'} of ${s.org}: ` +
    v.attrs.map(attrWords).join('; ') + ',' : '';
  return [
    `${v.gid} will join ${s.org} as ${ARTICLE[v.role]}${where}${titled}.`,
    `${s.org}'s key staff@${s.org}${extra} ${v.attrs.length ? 'are' : 'is'} issued to ${v.gid} through ${v.gid}'s mailbox ` +
      `(${v.attrs.length ? 'they arrive' : 'it arrives'} when ${v.gid} syncs keys).`,
    `${v.gid} may write the ${words(role.ledger)} sections of ${s.org}'s ledger; on the records of patients who consented to ` +
      `${s.org}, the care team can give the ${role.role} sections (${words(role.record)}).`,
    `The directory lists ${v.gid} as staff of ${s.org}. ${v.gid} must have consented to work for ${s.org} ` +
      `("carekey directory consent ${s.org}"); otherwise nothing is saved.`,
  ];
}

// what ending gid's affiliation means, in plain words (the confirmation)
function endWords(s, p) {
  return [
    `${p.gid} will no longer work for ${s.org}: the directory stops listing ${p.gid} as ${s.org}'s ${p.role || 'staff'}.`,
    `Every key of ${s.org} that ${p.gid} holds (${(p.attributes || []).join(', ') || `staff@${s.org}`}) is revoked: ` +
      `${s.org}'s keys move to a new epoch, re-issued to the others, so nothing sealed from now on opens with ${p.gid}'s.`,
    `${p.gid}'s write grants on ${s.org}'s ledger and the grants ${s.org} gave ${p.gid} on its patients' records are taken back.`,
    `What ${p.gid} could read before stays readable to ${p.gid}; ${p.gid}'s carekey account stays (only the operator closes accounts).`,
  ];
}

function field(id, label, input, hint) {
  return el('div', { class: 'field' }, el('label', { for: id, text: label }), input,
    hint ? el('p', { id: id + '-hint', class: 'note', text: hint }) : null);
}

function addForm(s, reload) {
  const gid = el('input', { id: 'staff-gid', name: 'gid', required: true, autocomplete: 'off', spellcheck: 'false',
                            maxlength: '128', pattern: '[A-Za-z0-9][A-Za-z0-9._@\\-]*', 'aria-describedby': 'staff-gid-hint' });
  const role = el('select', { id: 'staff-role', name: 'role', required: true },
    Object.keys(ARTICLE).map((r) => el('option', { value: r, text: r })));
  const unit = el('select', { id: 'staff-unit', name: 'unit' }, el('option', { value: '', text: 'No unit' }),
    s.units.map((u) => el('option', { value: u.name, text: `${u.display_name || u.name} (${u.name}, ${u.kind})` })));
  const title = el('input', { id: 'staff-title', name: 'title', maxlength: '127', autocomplete: 'off' });
  const attrs = el('input', { id: 'staff-attrs', name: 'attributes', autocomplete: 'off', spellcheck: 'false',
                              'aria-describedby': 'staff-attrs-hint' });
  const review = el('div', { id: 'staff-review', class: 'review', hidden: true, 'aria-live': 'polite' });
  const result = el('div', { id: 'staff-add-result', class: 'form-result' });
  const show = (node) => result.replaceChildren(node);
  const form = el('form', { id: 'staff-add', class: 'care-form', novalidate: true },
    el('div', { class: 'grid' },
      field('staff-gid', 'Person (carekey ID)', gid, 'The person enrolled and consented to work here.'),
      field('staff-role', 'Role', role), field('staff-unit', 'Unit (optional)', unit), field('staff-title', 'Title (optional)', title),
      field('staff-attrs', `More attributes of ${s.org} (optional)`, attrs,
        `Separated by spaces, such as level@${s.org}=3 icu@${s.org} (at most 32); staff@${s.org} comes with every affiliation.`)),
    el('button', { type: 'submit', id: 'staff-check' }, 'Review'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = { gid: gid.value.trim(), role: role.value, unit: unit.value, title: title.value.trim(), attrs: attrList(attrs.value) };
    if (!v.gid || !gid.checkValidity()) {
      show(el('p', { class: 'status error', role: 'alert', text: 'Fill in the person\'s carekey ID (letters, digits, . _ @ -).' }));
      gid.focus();
      return;
    }
    const foreign = v.attrs.filter((a) => !ofOrg(a, s.org));
    if (foreign.length || v.attrs.length > 32) {
      show(el('p', { class: 'status error', role: 'alert', text: foreign.length
        ? `${foreign.join(', ')}: not an attribute of ${s.org} (NAME@${s.org} or NAME@${s.org}=NUMBER).` : 'At most 32 more attributes.' }));
      attrs.focus();
      return;
    }
    show(el('span'));
    const save = el('button', { type: 'button', id: 'staff-save' }, 'Save');
    const change = el('button', { type: 'button', class: 'secondary', id: 'staff-change' }, 'Change');
    review.replaceChildren(el('h3', { text: 'This will mean' }),
      ...joinWords(s, v).map((t) => el('p', { class: 'plain', text: t })), el('div', { class: 'row-buttons' }, save, change));
    review.hidden = false;
    save.focus();
    change.addEventListener('click', () => { review.hidden = true; gid.focus(); });
    save.addEventListener('click', async () => {
      save.disabled = true;
      show(el('p', { class: 'status', text: 'Saving…' }));
      const body = { gid: v.gid, role: v.role };
      if (v.unit) body.unit = v.unit;
      if (v.title) body.title = v.title;
      if (v.attrs.length) body.attributes = v.attrs;
      try {
        const r = await post('/ui/api/staff/add', body);
        review.hidden = true;
        form.reset();
        await reload();
        show(el('p', { class: 'status ok', role: 'status', text: `Saved: ${r.gid} works at ${r.org} as ${ARTICLE[r.role]}` +
          `${r.unit ? ' in ' + r.unit : ''}${(r.attributes || []).length ? ', with ' + r.attributes.join(', ') : ''}.` }));
      } catch (e) {
        review.hidden = true;
        show(el('p', { class: 'status error', role: 'alert', id: 'staff-add-error', text: `Not saved: ${e.message}` }));
      }
    });
  });
  return el('section', { class: 'card', 'aria-labelledby': 'staff-add-title' },
    el('h2', { id: 'staff-add-title', text: `Take someone on at ${s.org}` }), form, review, result);
}

// what the care team run means, in plain words (the review); team: the
// staff members chosen, or every active one
function teamWords(s, patient, team, everyone) {
  const sections = (p) => (s.roles.find((r) => r.role === p.role) || {}).record;
  const who = everyone ? `every active staff member of ${s.org} (${team.length} now)` : team.map((p) => p.gid).join(', ');
  return [
    `${s.org}, as ${patient}'s delegate, gives ${who} a write grant on ${patient}'s record for the sections of their role:`,
    ...team.map((p) => (sections(p) ? `${p.gid} (${p.role}): ${words(sections(p))}.`
      : `${p.gid} (${p.role || 'no hospital role'}): none from ${s.org} (skipped).`)),
    'Whoever already holds such a grant keeps it; nothing is given twice.',
    `If ${patient} has not made ${s.org} her delegate ("carekey grant --patient ${patient} --gid ${s.org} --sections '*' ` +
      '--delegate"), nothing is given.',
  ];
}

// the care team of a patient: reviewed, then POST /ui/api/staff/care-team;
// refresh(s) lists the active staff again after a change
function teamForm(getS) {
  const patient = el('input', { id: 'team-patient', name: 'patient', required: true, autocomplete: 'off', spellcheck: 'false',
                                maxlength: '128', pattern: '[A-Za-z0-9][A-Za-z0-9._@\\-]*', 'aria-describedby': 'team-patient-hint' });
  const people = el('fieldset', { id: 'team-staff' });
  const review = el('div', { id: 'team-review', class: 'review', hidden: true, 'aria-live': 'polite' });
  const result = el('div', { id: 'team-result', class: 'form-result' });
  const show = (...nodes) => result.replaceChildren(...nodes);
  const refresh = (s) => people.replaceChildren(
    el('legend', { text: 'Staff members (none ticked: every active one)' }),
    ...s.staff.filter((p) => p.state === 'active').map((p) => el('label', { class: 'choice' },
      el('input', { type: 'checkbox', name: 'team-gid', value: p.gid }), `${p.gid} (${p.role || 'staff'})`)));
  const form = el('form', { id: 'team', class: 'care-form', novalidate: true },
    field('team-patient', 'Patient (carekey ID)', patient, `She made ${getS().org} her delegate.`), people,
    el('button', { type: 'submit', id: 'team-check' }, 'Review'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const s = getS();
    const p = patient.value.trim();
    if (!p || !patient.checkValidity()) {
      show(el('p', { class: 'status error', role: 'alert', text: 'Fill in the patient\'s carekey ID (letters, digits, . _ @ -).' }));
      patient.focus();
      return;
    }
    const chosen = [...people.querySelectorAll('input[name=team-gid]:checked')].map((c) => c.value);
    const everyone = chosen.length === 0;
    const team = s.staff.filter((x) => x.state === 'active' && (everyone || chosen.includes(x.gid)));
    show();
    const save = el('button', { type: 'button', id: 'team-save' }, 'Give the grants');
    const change = el('button', { type: 'button', class: 'secondary', id: 'team-change' }, 'Change');
    review.replaceChildren(el('h3', { text: 'This will mean' }),
      ...teamWords(s, p, team, everyone).map((t) => el('p', { class: 'plain', text: t })), el('div', { class: 'row-buttons' }, save, change));
    review.hidden = false;
    save.focus();
    change.addEventListener('click', () => { review.hidden = true; patient.focus(); });
    save.addEventListener('click', async () => {
      save.disabled = true;
      show(el('p', { class: 'status', text: 'Giving the grants…' }));
      try {
        const r = await post('/ui/api/staff/care-team', everyone ? { patient: p } : { patient: p, gids: chosen });
        review.hidden = true;
        show(el('p', { class: 'status ok', role: 'status', text: `Done: ${r.given} new grant(s) given on ${r.patient}'s record, ` +
          `${r.considered} staff member(s) considered${r.everyone ? ` (every active one of ${r.org})` : ''}.` }),
        el('ul', { id: 'team-notices', class: 'note' }, (r.notices || []).map((t) => el('li', { text: t }))));
      } catch (e) {
        review.hidden = true;
        show(el('p', { class: 'status error', role: 'alert', id: 'team-error', text: `Not done: ${e.message} (${e.code})` }));
      }
    });
  });
  const section = el('section', { class: 'card', 'aria-labelledby': 'team-title' },
    el('h2', { id: 'team-title', text: 'Care team of a patient' }),
    el('p', { class: 'note', text: `For a patient who made ${getS().org} her delegate: each staff member gets a write grant on her ` +
      'record for the sections of their role.' }), form, review, result);
  refresh(getS());
  return { section, refresh };
}

export async function staff(me, root) {
  const list = el('div', { id: 'staff-table' });
  const confirm = el('div', { id: 'staff-confirm', class: 'review', hidden: true, 'aria-live': 'polite' });
  const done = el('div', { id: 'staff-end-result', class: 'form-result' });
  const summary = el('p', { id: 'staff-summary' });
  let s = null, team = null;

  const ask = (p, button) => {
    const yes = el('button', { type: 'button', id: 'staff-end-confirm' }, `End ${p.gid}'s affiliation`);
    const keep = el('button', { type: 'button', class: 'secondary', id: 'staff-end-keep' }, 'Keep');
    confirm.replaceChildren(el('h3', { text: `End ${p.gid}'s affiliation with ${s.org}?` }),
      ...endWords(s, p).map((t) => el('p', { class: 'plain', text: t })), el('div', { class: 'row-buttons' }, yes, keep));
    confirm.hidden = false;
    done.replaceChildren();
    document.getElementById('staff-add-result')?.replaceChildren(); // an earlier add's outcome is not about this
    yes.focus();
    keep.addEventListener('click', () => { confirm.hidden = true; button.focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      done.replaceChildren(el('p', { class: 'status', text: 'Ending the affiliation…' }));
      try {
        const r = await post('/ui/api/staff/end', { gid: p.gid });
        confirm.hidden = true;
        await load();
        done.replaceChildren(el('p', { class: 'status ok', role: 'status', text: `${r.gid} left ${r.org}. Revoked: ${r.attributes} ` +
          `key(s), ${r.ledger_grants} grant(s) on ${r.org}'s ledger (server and chain), ${r.record_grants} on patients' records.` }));
      } catch (e) {
        confirm.hidden = true;
        done.replaceChildren(el('p', { class: 'status error', role: 'alert', id: 'staff-end-error', text: `Not saved: ${e.message}` }));
      }
    });
  };

  const load = async () => {
    s = await get('/ui/api/staff');
    const active = s.staff.filter((p) => p.state === 'active').length;
    const ended = s.staff.filter((p) => p.state === 'ended').length;
    summary.textContent = `${active} people work at ${s.org} now; ${ended} affiliation${ended === 1 ? '' : 's'} ended.` +
      (s.ledger_error ? ` (Ended affiliations are not shown: ${s.ledger_error})` : '');
    const body = el('tbody');
    for (const p of s.staff) {
      const cell = el('td');
      if (p.state === 'active') {
        const b = el('button', { type: 'button', class: 'secondary', 'aria-label': `End ${p.gid}'s affiliation`, text: 'End affiliation' });
        b.addEventListener('click', () => ask(p, b));
        cell.append(b);
      } else if (p.state === 'ended') {
        cell.append(el('span', { class: 'note', text: p.granted_ms ? `taken on ${day(p.granted_ms)}` : '' }));
      }
      body.append(el('tr', { 'data-gid': p.gid, 'data-state': p.state },
        el('th', { scope: 'row', text: p.gid }), el('td', { text: p.role || '' }), el('td', { text: p.unit || '' }),
        el('td', { text: p.title || '' }), el('td', { class: 'attrs', text: orgAttrs(p).join(', ') }), el('td', {}, badge(p.state)), cell));
    }
    list.replaceChildren(el('div', { class: 'table-wrap' }, el('table', { id: 'staff-list' },
      el('caption', { text: `Staff of ${s.org}, active and ended` }),
      el('thead', {}, el('tr', {}, ['Person', 'Role', 'Unit', 'Title', `Attributes of ${s.org}`, 'State', 'Action']
        .map((c) => el('th', { scope: 'col', text: c })))),
      body)));
    team?.refresh(s);
  };
  // the attributes of this organization the directory lists for p
  const orgAttrs = (p) => (p.attributes || []).filter((a) => typeof a === 'string' && a.endsWith('@' + s.org));

  await load();
  team = teamForm(() => s);
  root.append(el('h1', { text: `Staff of ${s.org}` }), summary, list, confirm, done, addForm(s, load), team.section);
}
