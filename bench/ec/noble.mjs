// Times @noble/curves (pure JS) on the inputs bench_ec made: one pairing
// e(pk, sig), and for reference a full signature verification. Noble takes
// milliseconds per pairing, so the run counts are small.
//   node bench/ec/noble.mjs PK_HEX SIG_HEX MSG_HEX [runs]
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { awaitGo, medianUs } from './timing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { bls12_381: bls } = await import(pathToFileURL(join(root, 'tests/js/node_modules/@noble/curves/bls12-381.js')).href);

const [pkHex, sigHex, msgHex, runsArg] = process.argv.slice(2);
if (!msgHex) {
  console.error('usage: noble.mjs PK_HEX SIG_HEX MSG_HEX [runs]');
  process.exit(2);
}
const runs = Number(runsArg ?? 15);
const pk = bls.G1.Point.fromBytes(Buffer.from(pkHex, 'hex'));
const sig = bls.G2.Point.fromBytes(Buffer.from(sigHex, 'hex'));
const msg = Buffer.from(msgHex, 'hex');

const sigs = bls.longSignatures;
const h = sigs.hash(msg, 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_');
if (!sigs.verify(sig, h, pk)) {
  console.error('noble: the carekey signature does not verify');
  process.exit(1);
}
await awaitGo();
console.log(`bench noble.pairing ${medianUs(() => bls.pairing(pk, sig), runs, 3).toFixed(3)} us`);
console.log(`bench noble.verify ${medianUs(() => sigs.verify(sig, sigs.hash(msg, 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_'), pk), Math.max(3, runs >> 1), 3).toFixed(3)} us`);
