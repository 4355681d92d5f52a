// web/js/views/clerk.js - the hospital clerk's boards (GET /ui/api/clerk/*), which the organization's own
// login reads too (its calendar without the forms):
// the staff list (read-only: the hospital admin's page is staff.js), the wards and beds census board, the doctors'
// schedules and appointments as a week calendar (with the forms to open
// slots, book, check in and cancel), and the theatre board. The MIS dashboard is clerk_mis.js.
import { get } from '../api.js';
import { el, table } from '../dom.js';
import { careForm, when } from './care_form.js';

const hm = (t) => (t || '').slice(11, 16);
const day = (t) => (t || '').slice(0, 10);

export async function staff(me, root) {
  const s = await get('/ui/api/clerk/staff');
  root.append(el('h1', { text: `Staff of ${s.org}` }),
    table(`${s.staff.length} people in the directory`, ['Person', 'Role', 'Unit', 'Title', 'Attributes', 'State'],
      s.staff.map((p) => [p.gid, p.role || '', p.unit || '', p.title || '', (p.attributes || []).join(', '),
        el('span', { class: 'badge ' + (p.active ? 'ok' : 'muted'), text: p.active ? 'active' : 'inactive' })])),
    el('p', { class: 'note', id: 'staff-readonly', text: `Read-only: the hospital admin takes on staff and ends affiliations ` +
      `(the Staff page of ${s.org}'s own login, or "carekey hospital staff add" / "remove" from its home).` }));
}

export async function census(me, root) {
  const c = await get('/ui/api/clerk/census');
  const wards = c.units.filter((u) => u.kind === 'ward');
  const taken = c.census.length, beds = wards.reduce((n, w) => n + w.beds, 0);
  root.append(el('h1', { text: 'Wards and beds' }),
    el('p', { id: 'census-summary', text: `${taken} of ${beds} beds taken at ${c.org}.` }));
  for (const w of wards) {
    const inWard = c.census.filter((r) => r.ward === w.name);
    const hid = 'ward-' + w.name;
    const bedList = el('ul', { class: 'beds', 'aria-labelledby': hid });
    for (let b = 1; b <= w.beds; b++) {
      const r = inWard.find((x) => x.bed === b);
      bedList.append(el('li', { class: 'bed ' + (r ? 'taken' : 'free'), 'data-bed': String(b) },
        el('span', { class: 'bed-no', text: `Bed ${b}` }),
        el('span', { text: r ? `${r.patient}, since ${r.since.replace('T', ' ').slice(0, 16)}` : 'free' })));
    }
    root.append(el('section', { class: 'card ward', 'data-ward': w.name, 'aria-labelledby': hid },
      el('h2', { id: hid, text: `${w.display_name || w.name} (${w.name}): ${inWard.length} of ${w.beds} beds taken` }), bedList));
  }
  if (c.withheld) root.append(el('p', { class: 'note', text: `${c.withheld} ledger entries are not shared with you.` }));
}

// Monday of the week of an ISO date (UTC)
function monday(iso) {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d;
}
const isoDay = (d) => d.toISOString().slice(0, 10);
const addDays = (d, n) => { const x = new Date(d); x.setUTCDate(x.getUTCDate() + n); return x; };
const WEEK_KEY = 'ck-week';

// a "Week of" picker; calls load(days[7]) now and on change
function weekPicker(id, load) {
  const input = el('input', { id, type: 'date', value: sessionStorage.getItem(WEEK_KEY) || isoDay(new Date()), required: true });
  const form = el('form', { class: 'row card' }, el('div', {}, el('label', { for: id, text: 'Week of' }), input),
    el('button', { type: 'submit' }, 'Show week'));
  const run = () => {
    if (!input.value) return Promise.resolve();
    sessionStorage.setItem(WEEK_KEY, input.value);
    const m = monday(input.value);
    return load([0, 1, 2, 3, 4, 5, 6].map((i) => isoDay(addDays(m, i))));
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  return { form, run };
}

const DOW = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export async function calendar(me, root) {
  const grid = el('div', { id: 'calendar', 'aria-live': 'polite' });
  const booked = el('datalist', { id: 'week-appointments' });
  let shown = [];
  const load = async (days) => {
    try {
      const s = await get(`/ui/api/clerk/schedule?period=${days[0]}..${days[6]}`);
      shown = s.slots.filter((x) => x.status === 'booked' && x.appointment);
      booked.replaceChildren(...shown.map((x) => el('option', { value: x.appointment,
        label: `${x.start.replace('T', ' ').slice(0, 16)} ${x.practitioner}: ${x.patient || '?'} (${x.appointment_status || 'booked'})` })));
      const cells = days.map((d) => s.slots.filter((x) => day(x.start) === d).map((x) => el('li', {
        class: 'slot ' + x.status, 'data-start': x.start.slice(0, 16), 'data-appointment': x.appointment || undefined },
        `${hm(x.start)} ${x.practitioner}: `, x.status === 'booked' ? `${x.patient || '?'} (${x.appointment_status || 'booked'})` : 'free')));
      grid.replaceChildren(el('div', { class: 'table-wrap' }, el('table', { class: 'week' },
        el('caption', { text: `Schedules and appointments, ${days[0]} to ${days[6]} (UTC): ${s.slots.length} slots` }),
        el('thead', {}, el('tr', {}, days.map((d, i) => el('th', { scope: 'col', text: `${DOW[i]} ${d.slice(5)}` })))),
        el('tbody', {}, el('tr', {}, cells.map((c) => el('td', {}, c.length ? el('ul', { class: 'slots' }, c) : '–')))))));
    } catch (e) {
      grid.replaceChildren(el('p', { class: 'status error', role: 'alert', text: `${e.code}: ${e.message}` }));
    }
  };
  const week = weekPicker('week', load);
  const patientField = { name: 'patient', label: 'Patient (carekey ID)', required: true };
  const slots = careForm({ op: 'slots', title: 'Open slots in a doctor\'s schedule',
    fields: [{ name: 'doctor', label: 'Doctor', required: true }, { name: 'date', label: 'Day', type: 'date', required: true },
             { name: 'from', label: 'From (UTC)', type: 'time', required: true }, { name: 'to', label: 'To (UTC)', type: 'time', required: true },
             { name: 'every', label: 'Every', type: 'select', options: [['10m', '10 minutes'], ['15m', '15 minutes'], ['20m', '20 minutes'], ['30m', '30 minutes'], ['1h', '1 hour']] }],
    body: (v) => ({ doctor: v.doctor, date: v.date, from: v.from, to: v.to, every: v.every }),
    review: (v) => [['Doctor', v.doctor], ['Day', v.date], ['Hours', `${v.from}–${v.to} UTC`], ['Every', v.every]],
    done: (r) => `Opened ${r.slots} slots in Schedule ${r.schedule}.`, after: week.run });
  const book = careForm({ op: 'appointment', title: 'Book an appointment',
    fields: [patientField, { name: 'doctor', label: 'Doctor', required: true },
             { name: 'at', label: 'Slot start', type: 'datetime-local', required: true, hint: 'UTC' }, { name: 'reason', label: 'Reason' }],
    body: (v) => ({ patient: v.patient, doctor: v.doctor, at: v.at, reason: v.reason || undefined }),
    review: (v) => [['Patient', v.patient], ['Doctor', v.doctor], ['Slot', when(v.at)], ['Reason', v.reason]],
    done: (r) => `Booked: Appointment ${r.id}.`, after: week.run });
  // a booking of the week shown, in words, for the reviews of a check-in or a cancellation
  const which = (id) => {
    const x = shown.find((b) => b.appointment === id);
    return x ? `${x.patient || '?'} with ${x.practitioner}, ${when(x.start.slice(0, 16))} (${x.appointment_status || 'booked'})`
             : 'an appointment not in the week shown';
  };
  const idField = { name: 'id', label: 'Appointment', required: true, list: 'week-appointments',
                    hint: 'Its id: the list offers the bookings of the week shown.' };
  const checkin = careForm({ op: 'checkin', title: 'Check a patient in', fields: [idField],
    body: (v) => ({ id: v.id }), review: (v) => [['Appointment', v.id], ['Booking', which(v.id)], ['New status', 'checked-in']],
    done: (r) => `Checked in: Appointment ${r.id} is ${r.status}.`, after: week.run });
  const cancel = careForm({ op: 'cancel', title: 'Cancel an appointment', fields: [idField, { name: 'reason', label: 'Reason', required: true }],
    body: (v) => ({ id: v.id, reason: v.reason }),
    review: (v) => [['Appointment', v.id], ['Booking', which(v.id)], ['Reason', v.reason], ['New status', 'cancelled (the slot is free again)']],
    done: (r) => `Cancelled: Appointment ${r.id}.`, after: week.run });
  // the organization's own login reads the calendar; its clerks change it
  const forms = me.role === 'organization'
    ? [el('p', { class: 'note', id: 'calendar-readonly', text: `Read-only: the clerks of ${me.gid} open slots, book, ` +
        'check in and cancel.' })]
    : [slots, book, checkin, cancel];
  root.append(el('h1', { text: 'Schedules and appointments' }), week.form, grid, booked, ...forms);
  await week.run();
}

export async function theatres(me, root) {
  const board = el('div', { id: 'theatre-board', 'aria-live': 'polite' });
  const load = async (days) => {
    try {
      const t = await get(`/ui/api/clerk/theatre?period=${days[0]}..${days[6]}`);
      const names = [...new Set(t.bookings.map((b) => b.theatre))].sort();
      board.replaceChildren(...(names.length ? names.map((th) => {
        const rows = t.bookings.filter((b) => b.theatre === th);
        return el('section', { class: 'card', 'data-theatre': th, 'aria-labelledby': 'th-' + th },
          el('h2', { id: 'th-' + th, text: `${th}: ${rows.length} booking${rows.length === 1 ? '' : 's'}` }),
          table(`Bookings of ${th}, ${days[0]} to ${days[6]} (UTC)`, ['Day', 'From', 'To', 'Patient', 'Procedure', 'Surgeon', 'Team', 'Status', 'Booking id'],
            rows.map((b) => [day(b.start), hm(b.start), hm(b.end), b.patient || '',
                             b.procedure ? `${b.procedure.display || ''} (${b.procedure.code || '?'})` : '', b.surgeon || '',
                             (b.team || []).map((m) => `${m.gid} (${m.function})`).join(', '), b.status, b.id])));
      }) : [el('p', { class: 'section-status', text: `No theatre booking from ${days[0]} to ${days[6]}.` })]));
    } catch (e) {
      board.replaceChildren(el('p', { class: 'status error', role: 'alert', text: `${e.code}: ${e.message}` }));
    }
  };
  const week = weekPicker('theatre-week', load);
  root.append(el('h1', { text: 'Theatre board' }), week.form, board);
  await week.run();
}
