// Times @chainsafe/blst (blst's native code) on the inputs bench_ec made:
// verify(msg, pk, sig) with pk/sig deserialized and validated beforehand.
// blst's verify() uses the POP tag (BLS_SIG_..._RO_POP_), so SIG_HEX is the
// signature bench_ec made under that tag (input sig_pop).
//   node bench/ec/blst.mjs PK_HEX SIG_POP_HEX MSG_HEX [runs]
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { awaitGo, medianUs } from './timing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'tests/js/package.json'));
const blst = require('@chainsafe/blst');

const [pkHex, sigHex, msgHex, runsArg] = process.argv.slice(2);
if (!msgHex) {
  console.error('usage: blst.mjs PK_HEX SIG_HEX MSG_HEX [runs]');
  process.exit(2);
}
const runs = Number(runsArg ?? 201);
const pk = blst.PublicKey.fromBytes(Buffer.from(pkHex, 'hex'), true);
const sig = blst.Signature.fromBytes(Buffer.from(sigHex, 'hex'), true);
const msg = Buffer.from(msgHex, 'hex');
if (!blst.verify(msg, pk, sig)) {
  console.error('blst: the carekey signature does not verify');
  process.exit(1);
}

await awaitGo();
let ok = true;
console.log(`bench blst.verify ${medianUs(() => { ok = blst.verify(msg, pk, sig) && ok; }, runs, 10).toFixed(3)} us`);
if (!ok) process.exit(1);
