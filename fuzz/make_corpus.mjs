// Regenerates the seed corpora in fuzz/corpus/ (committed; rerun only to
// change them): valid encodings from the test vectors and from noble, plus
// invalid ones (bit flips, bad flags, x >= p, off-curve, off-subgroup,
// wrong lengths). Compressed GT needs carekey's own format: pass the ecdiff
// driver to include it.   node fuzz/make_corpus.mjs [build/tests/ec/ecdiff]
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { bls12_381: bls } = await import(join(here, '../tests/js/node_modules/@noble/curves/bls12-381.js'));
const vec = (p) => join(here, '../tests/vectors', p);
const { Fp12 } = bls.fields;
const P = bls.fields.Fp.ORDER, R = bls.fields.Fr.ORDER;
const unhex = (h) => new Uint8Array(Buffer.from(h.replace(/^0x/, ''), 'hex'));
const be = (n, len) => { const b = new Uint8Array(len); for (let i = len - 1; i >= 0; i--) { b[i] = Number(n & 255n); n >>= 8n; } return b; };
let s = 7;
const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) >>> 8;
const flip = (b) => { const c = b.slice(); c[rnd() % c.length] ^= 1 << (rnd() % 8); return c; };

function write(target, items) {
  const dir = join(here, 'corpus', target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of items) {
    const id = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    writeFileSync(join(dir, `${name}-${id}`), bytes);
  }
  console.log(`${target}: ${items.length} files`);
}

const zk = JSON.parse(readFileSync(vec('serialization/zkcrypto_points_0_to_999_times_G.json')));
for (const [g, Pt, flen] of [['g1', bls.G1.Point, 48], ['g2', bls.G2.Point, 96]]) {
  const G = g.toUpperCase();
  const items = [];
  for (const i of [0, 1, 2, 3, 77, 999]) {
    items.push([`valid-c-${i}`, unhex(zk[`${G}_Compressed`][i])]);
    items.push([`valid-u-${i}`, unhex(zk[`${G}_Uncompressed`][i])]);
  }
  const deser = JSON.parse(readFileSync(vec(`serialization/deserialization_${G}.json`)));
  for (const c of deser.cases) items.push([`deser-${c.output ? 'ok' : 'bad'}`, unhex(Object.values(c.input)[0])]);
  for (let i = 0; i < 6; i++) items.push(['flip-c', flip(unhex(zk[`${G}_Compressed`][10 + i]))]);
  for (let i = 0; i < 4; i++) items.push(['flip-u', flip(unhex(zk[`${G}_Uncompressed`][20 + i]))]);
  for (const f of [0x00, 0x20, 0x40, 0x60, 0xa0, 0xe0]) { const b = unhex(zk[`${G}_Compressed`][5]); b[0] = (b[0] & 0x1f) | f; items.push([`flags-${f.toString(16)}`, b]); }
  { const b = be(P, flen); b[0] |= 0x80; items.push(['x-eq-p', b]); }
  { const b = unhex(zk[`${G}_Uncompressed`][7]); b[b.length - 1] ^= 4; items.push(['off-curve', b]); }
  for (const n of [0, 1, flen - 1, flen + 1, 2 * flen + 1]) items.push([`len-${n}`, new Uint8Array(n).fill(0x80)]);
  items.push(['zero-u', new Uint8Array(2 * flen)]); // regression: (0,0) once decoded as the identity
  items.push(['zero-c', (() => { const b = new Uint8Array(flen); b[0] = 0x80; return b; })()]);
  write(`fuzz_${g}_decode`, items);
}

// GT: pairing values (vector order reversed to carekey's c0.c0.c0-first order).
{
  const pv = JSON.parse(readFileSync(vec('pairing/kilic_pairing_kG1_kG2_1_to_1000.json')));
  const toCk = (h) => { const b = unhex(h), o = new Uint8Array(576); for (let i = 0; i < 12; i++) o.set(b.slice(48 * (11 - i), 48 * (12 - i)), 48 * i); return o; };
  const items = [];
  const members = [0, 1, 2, 41, 500, 999].map((i) => toCk(pv[i]));
  members.forEach((m) => items.push(['valid', m]));
  items.push(['one', Fp12.toBytes(Fp12.ONE)]);
  for (let i = 0; i < 6; i++) items.push(['flip', flip(members[i % members.length])]);
  items.push(['range', (() => { const b = members[0].slice(); b.set(be(P, 48), 0); return b; })()]);
  items.push(['random-fp12', Fp12.toBytes(Fp12.fromBigTwelve(Array.from({ length: 12 }, (_, i) => BigInt(i * 7919 + 3))))]);
  for (const n of [0, 1, 287, 289, 575, 577]) items.push([`len-${n}`, new Uint8Array(n).fill(1)]);
  const driver = process.argv[2];
  if (driver) { // compressed forms from carekey itself
    const cmds = members.map((m) => `gt_torus ${Buffer.from(m).toString('hex')}`).join('\n') + '\n';
    const out = execFileSync(driver, { input: cmds, encoding: 'utf8' }).trim().split('\n');
    out.forEach((h) => { if (/^[0-9a-f]{576}$/.test(h)) { const c = unhex(h); items.push(['valid-torus', c]); items.push(['flip-torus', flip(c)]); } });
  } else {
    console.log('note: no ecdiff driver given, compressed GT seeds skipped');
  }
  items.push(['torus-range', new Uint8Array(288).fill(0xff)]);
  write('fuzz_gt_decode', items);
}

// Fr: canonical scalars, r and above, edges, short and long inputs.
{
  const items = [];
  for (const v of [0n, 1n, 2n, R - 2n, R - 1n, R, R + 1n, (1n << 256n) - 1n, 1n << 255n, R >> 1n]) items.push(['edge', be(v, 32)]);
  const lines = readFileSync(vec('signatures/bls12-381-g2-test-vectors.txt'), 'utf8').trim().split('\n');
  for (let i = 0; i < 10; i++) items.push(['sk', unhex(lines[i * 37].split(':')[0])]);
  for (const n of [0, 1, 16, 31, 33, 48, 63, 64, 65]) items.push([`len-${n}`, new Uint8Array(n).fill(0xa5)]);
  write('fuzz_fr_decode', items);
}
