// The two reference libraries of bench/ec.sh, loaded from tests/js and set
// up on the inputs bench_ec printed, each checked against carekey's
// signature before anything is timed.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const NUL_DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_';

// @chainsafe/blst (blst's native code): verify(msg, pk, sig), pk and sig
// deserialized and validated beforehand. Its verify() uses the POP tag, so
// sigPopHex is bench_ec's signature under that tag (input sig_pop).
export function loadBlst(pkHex, sigPopHex, msgHex) {
  const blst = createRequire(join(root, 'tests/js/package.json'))('@chainsafe/blst');
  const pk = blst.PublicKey.fromBytes(Buffer.from(pkHex, 'hex'), true);
  const sig = blst.Signature.fromBytes(Buffer.from(sigPopHex, 'hex'), true);
  const msg = Buffer.from(msgHex, 'hex');
  if (!blst.verify(msg, pk, sig)) throw new Error('blst: the carekey signature does not verify');
  return { verify: () => blst.verify(msg, pk, sig) };
}

// @noble/curves (pure JS): one pairing e(pk, sig), and a whole verification.
export async function loadNoble(pkHex, sigHex, msgHex) {
  const url = pathToFileURL(join(root, 'tests/js/node_modules/@noble/curves/bls12-381.js')).href;
  const { bls12_381: bls } = await import(url);
  const pk = bls.G1.Point.fromBytes(Buffer.from(pkHex, 'hex'));
  const sig = bls.G2.Point.fromBytes(Buffer.from(sigHex, 'hex'));
  const msg = Buffer.from(msgHex, 'hex');
  const sigs = bls.longSignatures;
  if (!sigs.verify(sig, sigs.hash(msg, NUL_DST), pk)) throw new Error('noble: the carekey signature does not verify');
  return {
    pairing: () => bls.pairing(pk, sig),
    verify: () => sigs.verify(sig, sigs.hash(msg, NUL_DST), pk),
  };
}
