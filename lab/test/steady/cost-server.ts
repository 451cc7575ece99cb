/**
 * A server whose CPU per request changes on purpose after a known count, as V8's late
 * tier-up does to the lab's /heavy: `node cost-server.js <before-ms> <after-ms> <switch-at>`.
 * Serves GET / (burns the CPU) and /metrics in the app's format (process CPU, the
 * handler histogram's sum and count), prints its two ports as JSON on stdout.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const [beforeMs = 2, afterMs = 1, switchAt = 400] = process.argv.slice(2).map(Number);
let handled = 0;
let handlerSeconds = 0;

const cpuMicros = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

function burn(ms: number): void {
  const end = cpuMicros() + ms * 1000;
  while (cpuMicros() < end) {
    // spin on CPU time, not wall time: the cost is the same however busy the machine is
  }
}

const app = createServer((_req, res) => {
  const started = performance.now();
  burn(handled < switchAt ? beforeMs : afterMs);
  handled++;
  handlerSeconds += (performance.now() - started) / 1000;
  res.end('ok');
});

const metrics = createServer((_req, res) => {
  const cpu = process.cpuUsage();
  res.end([
    `process_cpu_seconds_total{worker="0"} ${(cpu.user + cpu.system) / 1e6}`,
    `http_request_duration_seconds_sum{worker="0"} ${handlerSeconds}`,
    `http_request_duration_seconds_count{worker="0"} ${handled}`,
    '',
  ].join('\n'));
});

app.listen(0, '127.0.0.1', () => {
  metrics.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ app: (app.address() as AddressInfo).port, metrics: (metrics.address() as AddressInfo).port })}\n`);
  });
});
