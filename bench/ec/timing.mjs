// Timing shared by the blst and noble runs of bench/ec.sh.

// Median over n timed calls of fn, in microseconds, after `warm` untimed
// calls (the JIT's warm-up).
export function medianUs(fn, n, warm) {
  for (let i = 0; i < warm; i++) fn();
  const t = [];
  for (let i = 0; i < n; i++) {
    const s = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e3);
  }
  t.sort((a, b) => a - b);
  return n % 2 ? t[(n - 1) / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

// With CK_BENCH_HANDSHAKE set, says "ready" and waits for a line on stdin
// before the timing starts: bench/ec.sh then pins this process's main
// thread (only that thread: V8's compiler and collector threads, made at
// start-up, keep both cores) to the core carekey's run used.
export async function awaitGo() {
  if (!process.env.CK_BENCH_HANDSHAKE) return;
  console.log('ready');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
}
