// Differential test: carekey (through the tests/ec/ecdiff driver) against
// @noble/curves 2.4.0, byte for byte, on seeded random cases.
//
//   node tests/js/ecdiff.mjs path/to/ecdiff            (seed printed)
//   ECDIFF_SEED=123 node tests/js/ecdiff.mjs ...       (reproduce a run)
//   ECDIFF_SCALE=2 ...                                 (twice as many cases)
//   ECDIFF_VERBOSE=1 ...                               (print every failure, not 3 per kind)
//
// Each case is one command line for the driver plus the answer noble gives;
// the driver runs all of them in one process. Ends with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { bls12_381 as bls } from '@noble/curves/bls12-381.js';

const driver = process.argv[2];
if (!driver) {
  console.error('usage: node ecdiff.mjs ECDIFF_BINARY');
  process.exit(2);
}
const seed = Number(process.env.ECDIFF_SEED ?? 20251124) >>> 0;
const scale = Number(process.env.ECDIFF_SCALE ?? 1);
console.log(`ecdiff: seed ${seed} (set ECDIFF_SEED to reproduce), scale ${scale}`);

const { Fp, Fp2, Fp12, Fr } = bls.fields;
const G1 = bls.G1.Point;
const G2 = bls.G2.Point;
const P = Fp.ORDER;
const R = Fr.ORDER;
const ERR = { LENGTH: 1, FLAGS: 2, RANGE: 3, NOT_ON_CURVE: 4, NOT_IN_GROUP: 5, NO_SQRT: 6, IDENTITY: 7, PARAM: 8 };

// ---- seeded PRNG (sfc32, seeded by splitmix32) ---------------------------
function makeRng(s) {
  const sm = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = sm(), b = sm(), c = sm(), d = sm();
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}
const rnd32 = makeRng(seed);
const randInt = (n) => rnd32() % n;
const randBytes = (n) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rnd32() & 255;
  return b;
};
const pick = (arr) => arr[randInt(arr.length)];

// ---- encodings -------------------------------------------------------------
const hex = (b) => (b.length ? Buffer.from(b).toString('hex') : '-');
const unhex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
const be = (n, len) => {
  const b = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) { b[i] = Number(n & 255n); n >>= 8n; }
  return b;
};
const num = (b) => (b.length ? BigInt('0x' + Buffer.from(b).toString('hex')) : 0n);
const fpHex = (x) => hex(be(x, 48));
const fp2Bytes = (x) => new Uint8Array([...be(x.c0, 48), ...be(x.c1, 48)]);
const fp2Hex = (x) => hex(fp2Bytes(x));
const fp12Hex = (x) => hex(Fp12.toBytes(x));
const frHex = (x) => hex(be(x, 32));
// noble throws on toBytes of a computed identity (P + -P); use its canonical ZERO.
const g1Hex = (p) => hex((p.is0() ? G1.ZERO : p).toBytes(true));
const g2Hex = (p) => hex((p.is0() ? G2.ZERO : p).toBytes(true));

// ---- random values with edge cases ----------------------------------------
const randFp = () => {
  const e = randInt(16);
  if (e === 0) return 0n;
  if (e === 1) return 1n;
  if (e === 2) return P - 1n;
  return num(randBytes(64)) % P;
};
const randFp2 = () => Fp2.fromBigTuple([randFp(), randFp()]);
const randFp12 = () => Fp12.fromBigTwelve(Array.from({ length: 12 }, () => num(randBytes(64)) % P));
const randFr = () => {
  const e = randInt(16);
  if (e === 0) return 0n;
  if (e === 1) return 1n;
  if (e === 2) return R - 1n;
  return num(randBytes(64)) % R;
};
const nz = (k) => (k === 0n ? 1n : k);

// Point pools: a few full scalar multiplications, then cheap combinations.
const pool1 = [G1.BASE], pool2 = [G2.BASE];
for (let i = 0; i < 12; i++) pool1.push(G1.BASE.multiply(nz(num(randBytes(32)) % R)));
for (let i = 0; i < 8; i++) pool2.push(G2.BASE.multiply(nz(num(randBytes(32)) % R)));
const randG1 = () => {
  let p = pick(pool1).add(pick(pool1));
  if (p.is0()) p = G1.BASE;
  pool1.push(p);
  return p;
};
const randG2 = () => {
  let p = pick(pool2).add(pick(pool2));
  if (p.is0()) p = G2.BASE;
  pool2.push(p);
  return p;
};
const randGT = () => bls.pairing(randG1(), randG2());

// On-curve points outside the prime-order subgroup (x^3 + b square, no cofactor clearing).
const offSubgroupG1 = () => {
  for (;;) {
    const x = num(randBytes(64)) % P;
    const y2 = Fp.add(Fp.mul(Fp.sqr(x), x), 4n);
    let y;
    try { y = Fp.sqrt(y2); } catch { continue; }
    const pt = G1.fromAffine({ x, y });
    if (!pt.isTorsionFree()) return pt;
  }
};
const offSubgroupG2 = () => {
  const b = Fp2.fromBigTuple([4n, 4n]);
  for (;;) {
    const x = Fp2.fromBigTuple([num(randBytes(64)) % P, num(randBytes(64)) % P]);
    const y2 = Fp2.add(Fp2.mul(Fp2.sqr(x), x), b);
    let y;
    try { y = Fp2.sqrt(y2); } catch { continue; }
    const pt = G2.fromAffine({ x, y });
    if (!pt.isTorsionFree()) return pt;
  }
};
// Raw encodings of possibly invalid points (noble refuses to serialize them).
const rawG1 = (x, y, compressed) => {
  if (compressed) {
    const b = be(x, 48);
    b[0] |= 0x80 | (y > (P - 1n) / 2n ? 0x20 : 0);
    return b;
  }
  return new Uint8Array([...be(x, 48), ...be(y, 48)]);
};
const fp2Larger = (y) => (y.c1 !== 0n ? y.c1 > (P - 1n) / 2n : y.c0 > (P - 1n) / 2n);
const rawG2 = (x, y, compressed) => {
  // ZCash order: c1 first.
  const xb = new Uint8Array([...be(x.c1, 48), ...be(x.c0, 48)]);
  if (compressed) {
    xb[0] |= 0x80 | (fp2Larger(y) ? 0x20 : 0);
    return xb;
  }
  return new Uint8Array([...xb, ...be(y.c1, 48), ...be(y.c0, 48)]);
};

// ---- cases -------------------------------------------------------------------
const cases = []; // { cmd, want: string | (got) => string|null (error text) , what }
const add = (what, cmd, want) => cases.push({ what, cmd, want });
const times = (n, f) => { for (let i = 0; i < Math.round(n * scale); i++) f(i); };
const orNone = (f) => { try { return f(); } catch { return null; } };

// Fp
times(40, () => { const a = randFp(), b = randFp(); add('fp_add', `fp_add ${fpHex(a)} ${fpHex(b)}`, fpHex(Fp.add(a, b))); });
times(40, () => { const a = randFp(), b = randFp(); add('fp_sub', `fp_sub ${fpHex(a)} ${fpHex(b)}`, fpHex(Fp.sub(a, b))); });
times(80, () => { const a = randFp(), b = randFp(); add('fp_mul', `fp_mul ${fpHex(a)} ${fpHex(b)}`, fpHex(Fp.mul(a, b))); });
times(30, () => { const a = randFp(); add('fp_sqr', `fp_sqr ${fpHex(a)}`, fpHex(Fp.sqr(a))); });
times(20, () => { const a = randFp(); add('fp_neg', `fp_neg ${fpHex(a)}`, fpHex(Fp.neg(a))); });
times(40, () => { const a = randFp(); add('fp_inv', `fp_inv ${fpHex(a)}`, fpHex(a === 0n ? 0n : Fp.inv(a))); });
times(50, (i) => {
  const a = i % 2 ? Fp.sqr(randFp()) : randFp();
  const s = orNone(() => Fp.sqrt(a));
  add('fp_sqrt', `fp_sqrt ${fpHex(a)}`, (got) => {
    if (s === null) return got === 'none' ? null : `noble: no root, carekey: ${got}`;
    if (got === 'none') return 'carekey: no root, noble has one';
    const r = num(unhex(got));
    return r === s || r === Fp.neg(s) ? null : `root ${got} is neither +-${fpHex(s)}`;
  });
});
// Fp2
times(30, () => { const a = randFp2(), b = randFp2(); add('fp2_add', `fp2_add ${fp2Hex(a)} ${fp2Hex(b)}`, fp2Hex(Fp2.add(a, b))); });
times(30, () => { const a = randFp2(), b = randFp2(); add('fp2_sub', `fp2_sub ${fp2Hex(a)} ${fp2Hex(b)}`, fp2Hex(Fp2.sub(a, b))); });
times(50, () => { const a = randFp2(), b = randFp2(); add('fp2_mul', `fp2_mul ${fp2Hex(a)} ${fp2Hex(b)}`, fp2Hex(Fp2.mul(a, b))); });
times(30, () => { const a = randFp2(); add('fp2_sqr', `fp2_sqr ${fp2Hex(a)}`, fp2Hex(Fp2.sqr(a))); });
times(15, () => { const a = randFp2(); add('fp2_neg', `fp2_neg ${fp2Hex(a)}`, fp2Hex(Fp2.neg(a))); });
times(30, () => { const a = randFp2(); add('fp2_inv', `fp2_inv ${fp2Hex(a)}`, fp2Hex(Fp2.is0(a) ? Fp2.ZERO : Fp2.inv(a))); });
times(50, (i) => {
  let a = i % 2 ? Fp2.sqr(randFp2()) : randFp2();
  if (i % 10 === 3) a = Fp2.fromBigTuple([Fp.neg(Fp.sqr(randFp())), 0n]); // -a0^2: square, c1 = 0
  const s = orNone(() => Fp2.sqrt(a));
  add('fp2_sqrt', `fp2_sqrt ${fp2Hex(a)}`, (got) => {
    if (s === null) return got === 'none' ? null : `noble: no root, carekey: ${got}`;
    if (got === 'none') return 'carekey: no root, noble has one';
    const b = unhex(got);
    const r = Fp2.fromBigTuple([num(b.slice(0, 48)), num(b.slice(48))]);
    return Fp2.eql(r, s) || Fp2.eql(r, Fp2.neg(s)) ? null : `root ${got} is neither +-${fp2Hex(s)}`;
  });
});
// Fp12 and GT
times(30, () => { const a = randFp12(), b = randFp12(); add('fp12_mul', `fp12_mul ${fp12Hex(a)} ${fp12Hex(b)}`, fp12Hex(Fp12.mul(a, b))); });
times(20, () => { const a = randFp12(); add('fp12_sqr', `fp12_sqr ${fp12Hex(a)}`, fp12Hex(Fp12.sqr(a))); });
times(20, () => { const a = randFp12(); add('fp12_inv', `fp12_inv ${fp12Hex(a)}`, fp12Hex(Fp12.inv(a))); });
times(10, () => { const a = randFp12(); add('fp12_conj', `fp12_conj ${fp12Hex(a)}`, fp12Hex(Fp12.conjugate(a))); });
times(36, (i) => { const a = randFp12(), k = i % 12; add('fp12_frob', `fp12_frob ${fp12Hex(a)} ${k}`, fp12Hex(Fp12.frobeniusMap(a, k))); });
times(15, () => { const a = randFp12(); add('final_exp', `final_exp ${fp12Hex(a)}`, fp12Hex(Fp12.finalExponentiate(a))); });
times(15, () => { const g = randGT(); add('fp12_cyclo_sqr', `fp12_cyclo_sqr ${fp12Hex(g)}`, fp12Hex(Fp12.sqr(g))); });
times(20, () => {
  const g = randGT(), k = randFr();
  add('gt_exp', `gt_exp ${fp12Hex(g)} ${frHex(k)}`, fp12Hex(Fp12.pow(g, k)));
});
times(15, () => { const g = randGT(); add('gt_compress', `gt_compress ${fp12Hex(g)}`, fp12Hex(g)); });
// GT decoding: members accepted, everything else rejected.
times(40, (i) => {
  const g = randGT();
  const b = Fp12.toBytes(g);
  switch (i % 4) {
    case 0: add('gt_decode valid', `gt_decode ${hex(b)}`, `ok ${hex(b)}`); break;
    case 1: { b[575 - randInt(48)] ^= 1 << randInt(8); add('gt_decode flipped', `gt_decode ${hex(b)}`, errIs(ERR.NOT_IN_GROUP, ERR.RANGE)); break; }
    case 2: add('gt_decode random Fp12', `gt_decode ${fp12Hex(randFp12())}`, errIs(ERR.NOT_IN_GROUP)); break;
    case 3: { const c = b.slice(); c.set(be(P + BigInt(randInt(1000)), 48), 48 * randInt(12)); add('gt_decode coeff >= p', `gt_decode ${hex(c)}`, errIs(ERR.RANGE)); break; }
  }
});
add('gt_decode short', `gt_decode ${hex(randBytes(575))}`, errIs(ERR.LENGTH));
add('gt_decode one', `gt_decode ${fp12Hex(Fp12.ONE)}`, `ok ${fp12Hex(Fp12.ONE)}`);

function errIs(...codes) {
  return (got) => {
    const m = /^err (\d+)$/.exec(got);
    if (!m) return `expected rejection (${codes.join('/')}), got ${got.slice(0, 40)}`;
    return codes.includes(Number(m[1])) ? null : `rejected with code ${m[1]}, expected ${codes.join('/')}`;
  };
}

// Fr
times(30, () => { const a = randFr(), b = randFr(); add('fr_add', `fr_add ${frHex(a)} ${frHex(b)}`, frHex(Fr.add(a, b))); });
times(30, () => { const a = randFr(), b = randFr(); add('fr_sub', `fr_sub ${frHex(a)} ${frHex(b)}`, frHex(Fr.sub(a, b))); });
times(40, () => { const a = randFr(), b = randFr(); add('fr_mul', `fr_mul ${frHex(a)} ${frHex(b)}`, frHex(Fr.mul(a, b))); });
times(30, () => { const a = randFr(); add('fr_inv', `fr_inv ${frHex(a)}`, frHex(a === 0n ? 0n : Fr.inv(a))); });
times(15, () => { const a = randFr(); add('fr_neg', `fr_neg ${frHex(a)}`, frHex(Fr.neg(a))); });
times(40, () => { const b = randBytes(randInt(65)); add('fr_reduce', `fr_reduce ${hex(b)}`, frHex(num(b) % R)); });
times(40, (i) => {
  const b = i % 3 === 0 ? be(R + BigInt(i) - 20n, 32) : randBytes(32);
  const v = num(b);
  add('fr_decode', `fr_decode ${hex(b)}`, v < R ? `ok ${hex(b)}` : errIs(ERR.RANGE));
});
// Hashing (random messages and tags, including tags longer than 255 bytes)
const randMsg = () => randBytes(pick([0, 1, 3, 32, 64, 100, 128, 255, 256, 1000]) + randInt(3));
const randDst = () => randBytes(pick([1, 8, 16, 43, 64, 200, 255, 256, 300]));
times(30, () => { const m = randMsg(), d = randDst(); add('fr_hash', `fr_hash ${hex(m)} ${hex(d)}`, frHex(bls.G1.hashToScalar(m, { DST: d }))); });
times(80, () => { const m = randMsg(), d = randDst(); add('g1_hash', `g1_hash ${hex(m)} ${hex(d)}`, g1Hex(bls.G1.hashToCurve(m, { DST: d }))); });
times(30, () => { const m = randMsg(), d = randDst(); add('g1_encode', `g1_encode ${hex(m)} ${hex(d)}`, g1Hex(bls.G1.encodeToCurve(m, { DST: d }))); });
times(40, () => { const m = randMsg(), d = randDst(); add('g2_hash', `g2_hash ${hex(m)} ${hex(d)}`, g2Hex(bls.G2.hashToCurve(m, { DST: d }))); });
times(20, () => { const m = randMsg(), d = randDst(); add('g2_encode', `g2_encode ${hex(m)} ${hex(d)}`, g2Hex(bls.G2.encodeToCurve(m, { DST: d }))); });
add('g1_hash empty DST', `g1_hash ${hex(randMsg())} -`, errIs(ERR.PARAM)); // RFC 9380: tags MUST be non-empty
add('g2_hash empty DST', `g2_hash ${hex(randMsg())} -`, errIs(ERR.PARAM));
times(60, () => { const u = randFp(); add('g1_map', `g1_map ${fpHex(u)}`, g1Hex(bls.G1.mapToCurve(u))); });
times(30, () => { const u = randFp2(); add('g2_map', `g2_map ${fp2Hex(u)}`, g2Hex(bls.G2.mapToCurve([u.c0, u.c1]))); });

// Group operations
for (const [name, randG, Pt, hx] of [['g1', randG1, G1, g1Hex], ['g2', randG2, G2, g2Hex]]) {
  const mulN = name === 'g1' ? 50 : 30;
  times(20, () => { const a = randG(), b = pick([randG(), a, a.negate(), Pt.ZERO]); add(`${name}_add`, `${name}_add ${hx(a)} ${hx(b)}`, hx(a.add(b))); });
  times(15, () => { const a = pick([randG(), Pt.ZERO]); add(`${name}_dbl`, `${name}_dbl ${hx(a)}`, hx(a.double())); });
  times(10, () => { const a = randG(); add(`${name}_neg`, `${name}_neg ${hx(a)}`, hx(a.negate())); });
  const mulExpect = (a, k) => hx(k === 0n ? Pt.ZERO : a.multiply(k));
  times(mulN, () => { const a = randG(), k = randFr(); add(`${name}_mul`, `${name}_mul ${hx(a)} ${frHex(k)}`, mulExpect(a, k)); });
  times(mulN / 2, () => { const a = randG(), k = randFr(); add(`${name}_mul_vartime`, `${name}_mul_vartime ${hx(a)} ${frHex(k)}`, mulExpect(a, k)); });
  times(mulN / 4, () => { const a = randG(), k = randFr(); add(`${name}_table_mul`, `${name}_table_mul ${hx(a)} ${frHex(k)}`, mulExpect(a, k)); });
  times(10, (i) => {
    const n = i % 6 === 0 ? 0 : 1 + randInt(6);
    const ps = [], ks = [];
    let acc = Pt.ZERO;
    for (let j = 0; j < n; j++) {
      const p = j === 2 ? Pt.ZERO : randG(), k = randFr();
      ps.push(p); ks.push(k);
      if (k !== 0n && !p.is0()) acc = acc.add(p.multiply(k));
    }
    const args = ps.map((p, j) => `${hx(p)} ${frHex(ks[j])}`).join(' ');
    add(`${name}_msm`, `${name}_msm ${n}${n ? ' ' + args : ''}`, hx(acc));
  });
}

// Pairings and multi-pairings (noble refuses the identity: it pairs to 1)
const pair = (p, q) => (p.is0() || q.is0() ? Fp12.ONE : bls.pairing(p, q));
times(30, (i) => {
  const p = i === 0 ? G1.ZERO : randG1(), q = i === 1 ? G2.ZERO : randG2();
  add('pairing', `pairing ${g1Hex(p)} ${g2Hex(q)}`, fp12Hex(pair(p, q)));
});
// up to 12 pairs: four and more run the Miller loop's accumulators in vector
// lanes where the CPU has AVX-512 IFMA
times(16, (i) => {
  const n = i === 0 ? 0 : 1 + randInt(12);
  const pairs = [];
  for (let j = 0; j < n; j++) pairs.push([j === 1 ? G1.ZERO : randG1(), randG2()]);
  if (i === 2 && n >= 2) pairs[1] = [pairs[0][0].negate(), pairs[0][1]]; // product 1 on that pair
  const live = pairs.filter(([p, q]) => !p.is0() && !q.is0()).map(([g1, g2]) => ({ g1, g2 }));
  const want = bls.pairingBatch(live);
  const args = pairs.map(([p, q]) => `${g1Hex(p)} ${g2Hex(q)}`).join(' ');
  add('multi_pairing', `multi_pairing ${n}${n ? ' ' + args : ''}`, fp12Hex(want));
});

// Decoding: valid, corrupted and garbage encodings; both sides must agree.
function decodeCase(name, Pt, bytes, expectCodes) {
  let want;
  try {
    const p = Pt.fromBytes(bytes);
    want = `ok ${hex(p.toBytes(true))} ${hex(p.toBytes(false))}`;
  } catch (e) {
    want = null;
  }
  add(`${name}_decode`, `${name}_decode ${hex(bytes)}`, (got) => {
    if (want === null) {
      if (!got.startsWith('err ')) return `noble rejects, carekey accepts: ${got.slice(0, 40)}`;
      if (expectCodes && !expectCodes.includes(Number(got.slice(4)))) return `rejected with ${got}, expected code ${expectCodes.join('/')}`;
      return null;
    }
    return got === want ? null : `noble: ${want.slice(0, 40)}..., carekey: ${got.slice(0, 40)}`;
  });
}
for (const [name, randG, Pt, flen, offSub, raw] of [
  ['g1', randG1, G1, 48, offSubgroupG1, rawG1],
  ['g2', randG2, G2, 96, offSubgroupG2, rawG2],
]) {
  const k = name === 'g1' ? 1 : 0.8;
  times(60 * k, (i) => { const p = i === 0 ? Pt.ZERO : randG(); decodeCase(name, Pt, p.toBytes(i % 2 === 0)); });
  times(100 * k, () => { // random bit flips anywhere
    const b = randG().toBytes(randInt(2) === 0);
    const flips = 1 + randInt(2);
    for (let f = 0; f < flips; f++) { const j = randInt(b.length); b[j] ^= 1 << randInt(8); }
    decodeCase(name, Pt, b);
  });
  times(60 * k, () => { // flag bits: all 8 combinations on valid points and on infinity
    const p = pick([randG(), Pt.ZERO]);
    const b = p.toBytes(randInt(2) === 0);
    b[0] = (b[0] & 0x1f) | (randInt(8) << 5);
    decodeCase(name, Pt, b);
  });
  times(15 * k, () => { // x >= p (in the limb that carries the flags)
    const p = randG();
    const x = name === 'g1' ? p.toAffine().x : p.toAffine().x.c1;
    const big = x + P < 1n << 381n ? x + P : P + BigInt(randInt(1000));
    const b = p.toBytes(true);
    const xb = be(big, 48);
    xb[0] |= b[0] & 0xe0;
    b.set(xb, 0);
    decodeCase(name, Pt, b, [ERR.RANGE]);
  });
  times(15 * k, () => { // not on the curve: uncompressed with y changed
    const b = randG().toBytes(false);
    b[b.length - 1] ^= 2;
    decodeCase(name, Pt, b, [ERR.NOT_ON_CURVE, ERR.RANGE]);
  });
  times(20 * k, (i) => { // on the curve but not in the subgroup
    const a = offSub().toAffine();
    decodeCase(name, Pt, raw(a.x, a.y, i % 2 === 0), [ERR.NOT_IN_GROUP]);
  });
  times(20 * k, (i) => { // compressed x with no y on the curve
    const b = randBytes(flen);
    b[0] = (b[0] & 0x1f) | 0x80;
    decodeCase(name, Pt, b);
  });
  // all-zero encodings: (0,0) uncompressed without the infinity flag is not the identity
  decodeCase(name, Pt, new Uint8Array(2 * flen), [ERR.NOT_ON_CURVE, ERR.FLAGS]);
  decodeCase(name, Pt, new Uint8Array(flen), [ERR.FLAGS, ERR.LENGTH]);
  decodeCase(name, Pt, (() => { const b = new Uint8Array(flen); b[0] = 0x80; return b; })());
  decodeCase(name, Pt, (() => { const b = new Uint8Array(2 * flen); b[0] = 0x40; return b; })());
  times(20 * k, (i) => { // garbage of every kind, including wrong lengths
    const len = pick([0, 1, flen - 1, flen, flen + 1, 2 * flen - 1, 2 * flen, 2 * flen + 1, 3 * flen]);
    const b = randBytes(len);
    decodeCase(name, Pt, b, len === flen || len === 2 * flen ? undefined : [ERR.LENGTH]);
  });
}

// ---- run ---------------------------------------------------------------------
const input = cases.map((c) => c.cmd).join('\n') + '\n';
const t0 = Date.now();
const res = spawnSync(driver, [], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
if (res.error || res.status !== 0) {
  console.error(`driver failed: ${res.error ?? ''} status ${res.status} signal ${res.signal}\n${res.stderr}`);
  process.exit(1);
}
const lines = res.stdout.split('\n');
let passed = 0, failed = 0;
const byKind = new Map();
cases.forEach((c, i) => {
  const got = lines[i] ?? '(no output)';
  const msg = typeof c.want === 'function' ? c.want(got) : got === c.want ? null : `want ${c.want.slice(0, 64)}..., got ${got.slice(0, 64)}...`;
  const k = byKind.get(c.what) ?? { pass: 0, fail: 0 };
  if (msg === null) { passed++; k.pass++; } else {
    failed++; k.fail++;
    if (k.fail <= 3 || process.env.ECDIFF_VERBOSE) console.log(`FAIL #${i} ${c.what}: ${msg}\n  cmd: ${c.cmd.slice(0, 300)}`);
  }
  byKind.set(c.what, k);
});
for (const [what, k] of [...byKind].sort()) console.log(`  ${what.padEnd(24)} ${k.pass} passed${k.fail ? `, ${k.fail} FAILED` : ''}`);
console.log(`driver time ${Date.now() - t0} ms, cases ${cases.length}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed >= 2000 * Math.min(1, scale) ? 0 : 1);
