#!/usr/bin/env node
// bench/node/fhir_load.mjs URL TOKEN CLIENTS REQUESTS - CLIENTS concurrent
// clients (one keep-alive connection each) send REQUESTS GETs of URL each,
// one after the other, after one untimed warm-up request each; prints the
// latencies' median, p99 and the throughput as "median_ms p99_ms req_per_s".
// Any status but 200 stops the run (exit 1).
import http from 'node:http';

const [url, token, clients, requests] = [process.argv[2], process.argv[3], Number(process.argv[4]), Number(process.argv[5])];
const u = new URL(url);

function get(agent) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/fhir+json' } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function client() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  await get(agent);
  const out = [];
  for (let i = 0; i < requests; i++) out.push(await get(agent));
  agent.destroy();
  return out;
}

const t0 = Date.now();
Promise.all(Array.from({ length: clients }, client)).then((all) => {
  const wall = (Date.now() - t0) / 1000;
  const v = all.flat().sort((a, b) => a - b);
  const q = (p) => v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)];
  console.log(`${q(0.5).toFixed(2)} ${q(0.99).toFixed(2)} ${(v.length / wall).toFixed(0)}`);
}, (e) => { console.error(`fhir_load: ${e.message}`); process.exit(1); });
