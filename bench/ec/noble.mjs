// Times @noble/curves (pure JS) on the inputs bench_ec made: one pairing
// e(pk, sig), and for reference a full signature verification. Noble takes
// milliseconds per pairing, so the run counts are small.
//   node bench/ec/noble.mjs PK_HEX SIG_HEX MSG_HEX [runs]
import { loadNoble } from './libs.mjs';
import { awaitGo, medianUs } from './timing.mjs';

const [pkHex, sigHex, msgHex, runsArg] = process.argv.slice(2);
if (!msgHex) {
  console.error('usage: noble.mjs PK_HEX SIG_HEX MSG_HEX [runs]');
  process.exit(2);
}
const runs = Number(runsArg ?? 15);
const noble = await loadNoble(pkHex, sigHex, msgHex);
await awaitGo();
console.log(`bench noble.pairing ${medianUs(noble.pairing, runs, 3).toFixed(3)} us`);
console.log(`bench noble.verify ${medianUs(noble.verify, Math.max(3, runs >> 1), 3).toFixed(3)} us`);
