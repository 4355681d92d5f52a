// web/js/login.js - the login form: GID and passphrase to POST /ui/api/login;
// the node answers with an HttpOnly session cookie, then the shell loads.
import { post } from './api.js';

const form = document.getElementById('login');
const status = document.getElementById('login-status');

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const gid = form.gid.value.trim();
  const passphrase = form.passphrase.value;
  status.classList.remove('error');
  if (!gid || !passphrase) {
    status.textContent = 'Enter your carekey ID and passphrase.';
    status.classList.add('error');
    return;
  }
  status.textContent = 'Unlocking your keys…';
  try {
    await post('/ui/api/login', { gid, passphrase });
    form.passphrase.value = '';
    location.assign('/app.html');
  } catch (e) {
    form.passphrase.value = '';
    status.textContent = e.status === 401 ? 'Unknown ID or wrong passphrase.' : 'Login failed: ' + e.message;
    status.classList.add('error');
    form.passphrase.focus();
  }
});
