// web/js/views/publish.js - research publishing: the patient makes a
// de-identified copy of her record (by her own node) that researchers read
// instead of her record (POST /ui/api/publish).
import { post, withPatient } from '../api.js';
import { el } from '../dom.js';

export async function show(me, root) {
  const patient = me.patient || me.gid;
  const said = el('p', { id: 'publish-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const button = el('button', { type: 'button', id: 'publish-start' }, 'Publish a de-identified copy');
  button.addEventListener('click', async () => {
    button.disabled = true;
    said.classList.remove('error');
    said.textContent = 'Making the de-identified copy…';
    try {
      const r = await post(withPatient('/ui/api/publish', patient), {});
      said.textContent = `${r.plain} (${r.resources} resources in ${r.parts} parts.)`;
    } catch (e) {
      said.classList.add('error');
      said.textContent = `Not published: ${e.message}`;
    } finally {
      button.disabled = false;
    }
  });
  root.append(el('h1', { text: 'Publish for research' }),
    el('div', { class: 'card' },
      el('p', { text: 'Researchers never read your record. If you publish, your node makes a copy without your name, ' +
                      'address, exact dates or identifiers (HIPAA Safe Harbor) and adds it to your record, sealed so ' +
                      'that only approved researchers can open it. Publish again after new results to refresh it.' }),
      button, said));
}
