// One Node 24 server; sequential /heavy requests; CPU per request per window of 500, from /metrics.
import { request } from 'undici';
const url = 'http://127.0.0.1:3950/heavy', metrics = 'http://127.0.0.1:9950/metrics';
async function snap() { const t = await (await request(metrics)).body.text(); const cpu = Number(/^process_cpu_seconds_total\S* (\S+)/m.exec(t)[1]); return cpu; }
let prev = await snap(); let t0 = performance.now();
for (let w = 0; w < Number(process.argv[2] ?? 30); w++) {
  for (let i = 0; i < 500; i++) { const r = await request(url); await r.body.dump(); }
  const c = await snap(); const t = performance.now();
  console.log(`trace-line ${(await import("node:fs")).readFileSync("/tmp/tier-trace3.log","utf8").split("\n").length} window ${w} (requests ${(w+1)*500}): ${((c-prev)/500*1000).toFixed(2)} ms cpu/req, ${((t-t0)/500).toFixed(2)} ms wall/req`);
  prev = c; t0 = t;
}
