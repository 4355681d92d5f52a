// web/js/views/import.js - the patient imports a FHIR bundle into her record:
// the file goes to the node (POST /ui/api/import), which seals and appends it
// as one all-or-nothing batch on a job of its own; the page polls
// GET /ui/api/import for the progress bar, then shows the record.
import { get, postRaw, withPatient } from '../api.js';
import { el } from '../dom.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function show(me, root) {
  const patient = me.patient || me.gid;
  const bar = el('progress', { id: 'import-progress', max: '100', value: '0', 'aria-label': 'Import progress' });
  const said = el('p', { id: 'import-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const progress = el('div', { id: 'import-box', class: 'card', hidden: true }, bar, said);
  const form = el('form', { id: 'import-form', class: 'card' },
    el('p', { text: 'Choose a FHIR R4 bundle (JSON), for example the one your hospital or another app gave you. ' +
                    'It is encrypted on this node under your sharing rules and added to your record all at once: ' +
                    'if anything fails, nothing is added.' }),
    el('div', {}, el('label', { for: 'import-file', text: 'FHIR bundle file' }),
      el('input', { id: 'import-file', name: 'file', type: 'file', accept: '.json,application/fhir+json,application/json', required: true })),
    el('button', { type: 'submit', id: 'import-start' }, 'Import'));
  const track = async () => {
    for (;;) {
      const s = await get('/ui/api/import');
      bar.value = s.percent || 0;
      bar.setAttribute('aria-valuetext', `${s.percent || 0}%`);
      if (s.state === 'running') {
        said.textContent = `${s.phase} (${s.percent}%)`;
        await sleep(250);
        continue;
      }
      if (s.state === 'failed') {
        said.classList.add('error');
        said.setAttribute('role', 'alert');
        said.textContent = `Nothing was imported: ${s.error.message}`;
        return false;
      }
      if (s.state === 'done') {
        const r = s.result;
        said.textContent = r.already ? 'This bundle was imported before: nothing new to add.'
          : r.empty ? 'The bundle held nothing to import.'
          : `Imported ${r.resources} resources in ${r.entries} entries.`;
        return true;
      }
      return false;
    }
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = form.file.files[0];
    if (!f) return;
    progress.hidden = false;
    said.classList.remove('error');
    said.setAttribute('role', 'status');
    said.textContent = 'Sending the bundle to your node…';
    bar.value = 0;
    form.querySelector('button').disabled = true;
    try {
      await postRaw(withPatient('/ui/api/import', patient), await f.text(), 'application/fhir+json');
      if (await track()) {
        progress.append(el('p', {}, el('a', { href: '#record', id: 'import-see' }, 'See my record')));
        location.hash = '#record';
      }
    } catch (e) {
      said.classList.add('error');
      said.setAttribute('role', 'alert');
      said.textContent = `Nothing was imported: ${e.message}`;
    } finally {
      form.querySelector('button').disabled = false;
    }
  });
  root.append(el('h1', { text: 'Import a FHIR bundle' }), form, progress);
  // an import started before this page was opened
  const s = await get('/ui/api/import');
  if (s.state === 'running') { progress.hidden = false; track(); }
}
