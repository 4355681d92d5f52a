// web/js/dom.js - building the page with DOM calls only (no innerHTML with
// data: every value from a record is text, never markup).
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

export function table(caption, columns, rows, rowClass) {
  return el('div', { class: 'table-wrap' },
    el('table', {},
      el('caption', { text: caption }),
      el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col', text: c })))),
      el('tbody', {}, rows.map((r, i) => el('tr', { class: rowClass ? rowClass(i) : undefined },
        r.map((cell) => el('td', {}, cell)))))));
}

export function download(filename, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function setStatus(msg, isError) {
  const s = document.getElementById('status');
  s.textContent = msg || '';
  s.classList.toggle('error', !!isError);
}
