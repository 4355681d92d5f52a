// web/js/api.js - calls to the node: the JSON API (/ui/api) and the FHIR API
// (/fhir) with the session cookie; every change carries the CSRF token.
let csrf = '';

export function setCsrf(token) { csrf = token || ''; }

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function call(method, path, body, raw) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = raw ? raw.type : 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin',
                                  body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    const e = data && data.error ? data.error
      : { code: 'http_' + res.status, message: (data && data.issue && data.issue[0] && data.issue[0].diagnostics) || res.statusText };
    const err = new ApiError(res.status, e.code, e.message);
    err.data = data; // the whole answer (e.g. rx_warnings carries the warnings)
    throw err;
  }
  return data;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
// a body sent as it is (a FHIR bundle the patient chose)
export const postRaw = (path, body, type) => call('POST', path, body, { type });

// ?patient=GID (GIDs are identifiers, never patient data in clear)
export const withPatient = (path, gid) => path + '?patient=' + encodeURIComponent(gid);
