// The ratios of bench/ec.sh, measured in pairs: carekey's BLS verification
// against blst's and carekey's pairing against noble's, each pair timed
// back to back on one core, the order alternating from pair to pair. The
// host's speed can change by 2x within a second (a busy neighbour on the
// same physical core); two figures taken a second apart then measure the
// neighbour, two taken within some 50 ms of each other mostly do not.
// bench_ec runs as a child (`--serve`, pinned to CORE) that times carekey
// on request. This process is pinned to the same core while it times
// blst, every thread of it (@chainsafe/blst runs the Miller loop on a
// thread of its own pool), and only its main thread while it times noble
// (V8's collector threads keep both cores, as in an unpinned run). CORE
// `none`: nothing is pinned.
// Prints `pair NAME RATIO` per pair.
//   node bench/ec/paired.mjs BENCH_EC_BIN CORE [pairs]
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { loadBlst, loadNoble } from './libs.mjs';
import { medianUs } from './timing.mjs';

const [bin, core, pairsArg] = process.argv.slice(2);
if (!core) {
  console.error('usage: paired.mjs BENCH_EC_BIN CORE [pairs]');
  process.exit(2);
}
const pairs = Number(pairsArg ?? 15);
const pinned = core !== 'none';
const child = pinned
  ? spawn('taskset', ['-c', core, bin, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] })
  : spawn(bin, ['--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
async function nextLine() {
  const { value, done } = await lines.next();
  if (done) throw new Error('paired.mjs: bench_ec --serve ended early');
  return value;
}

const input = {};
for (let line = await nextLine(); line !== 'ready'; line = await nextLine()) {
  const [kind, name, hex] = line.split(' ');
  if (kind === 'input') input[name] = hex;
}
const blst = loadBlst(input.pk, input.sig_pop, input.msg);
const noble = await loadNoble(input.pk, input.sig, input.msg);
const allCores = (() => {
  try { return execFileSync('taskset', ['-p', '-c', String(process.pid)]).toString().split(':').pop().trim(); }
  catch { return null; }
})();
// 'all': every thread on the core; 'main': the main thread only
function pin(which) {
  if (!pinned || !allCores) return;
  const pid = String(process.pid);
  execFileSync('taskset', ['-a', '-p', '-c', which === 'all' ? core : allCores, pid], { stdio: 'ignore' });
  if (which === 'main') execFileSync('taskset', ['-p', '-c', core, pid], { stdio: 'ignore' });
}

// carekey's median per-call time over n batches, from the child
async function carekey(op, n) {
  child.stdin.write(`${op} ${n}\n`);
  const [tag, us] = (await nextLine()).split(' ');
  if (tag !== 'us' || !(Number(us) > 0)) throw new Error(`paired.mjs: bench_ec answered ${tag} ${us}`);
  return Number(us);
}

let ok = true;
const blstVerify = () => { ok = blst.verify() && ok; };
// One pair: [carekey, other], in the order the pair's index says.
async function pair(i, op, n, other, runs) {
  if (i % 2 === 0) {
    const c = await carekey(op, n);
    return [c, medianUs(other, runs, 0)];
  }
  const o = medianUs(other, runs, 0);
  return [await carekey(op, n), o];
}

medianUs(blstVerify, 5, 20); // the JIT's warm-up
medianUs(noble.pairing, 1, 3);
for (let i = 0; i < pairs; i++) {
  pin('all');
  const [cv, bv] = await pair(i, 'verify', 9, blstVerify, 21);
  console.log(`pair verify_carekey_over_blst ${(cv / bv).toFixed(4)}`);
  pin('main');
  const [cp, np] = await pair(i, 'pairing', 9, noble.pairing, 3);
  console.log(`pair pairing_vs_noble ${(np / cp).toFixed(4)}`);
}
child.stdin.end();
if (!ok) {
  console.error('paired.mjs: blst refused the signature');
  process.exit(1);
}
