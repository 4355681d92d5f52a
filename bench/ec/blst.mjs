// Times @chainsafe/blst (blst's native code) on the inputs bench_ec made:
// verify(msg, pk, sig) with pk/sig deserialized and validated beforehand.
//   node bench/ec/blst.mjs PK_HEX SIG_POP_HEX MSG_HEX [runs]
import { loadBlst } from './libs.mjs';
import { awaitGo, medianUs } from './timing.mjs';

const [pkHex, sigHex, msgHex, runsArg] = process.argv.slice(2);
if (!msgHex) {
  console.error('usage: blst.mjs PK_HEX SIG_POP_HEX MSG_HEX [runs]');
  process.exit(2);
}
const runs = Number(runsArg ?? 201);
const blst = loadBlst(pkHex, sigHex, msgHex);

await awaitGo();
let ok = true;
console.log(`bench blst.verify ${medianUs(() => { ok = blst.verify() && ok; }, runs, 10).toFixed(3)} us`);
if (!ok) process.exit(1);
