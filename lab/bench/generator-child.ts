/**
 * One measured round of one load generator, in a fresh process so that only that
 * generator's CPU is counted: warm up (not measured), then run `requests` requests at
 * `connections` connections and report process.cpuUsage() and wall time over IPC.
 * With RATE, both run at that fixed rate instead of as fast as they can: ours with the
 * open-model runner (the sweep's), autocannon with overallRate; ours-quota is the open-model
 * runner spaced as autocannon spaces its requests (a 1000 ms send quantum: each second's
 * requests go at its start, on whichever connection is free).
 *
 *   node generator-child.js ours|ours-quota|autocannon URL REQUESTS CONNECTIONS [RATE]
 */
import autocannon from 'autocannon';
import { runLoad } from '../src/runner/index.js';
import { runOpenLoad } from '../src/runner/open-model.js';
import { QUOTA_QUANTUM_MS } from './spacing.js';

export interface RoundReport {
  /** ours-quota: ours at a fixed rate with autocannon's spacing (each second's requests sent at its start: a 1000 ms send quantum). */
  tool: 'ours' | 'ours-quota' | 'autocannon';
  requests: number;
  errors: number;
  wallMs: number;
  cpuMicros: number;
  /** Ours at a fixed rate: how late its scheduler sent (p99, ms), the price of its send quantum. */
  lagP99Ms?: number;
}

interface Outcome {
  done: number;
  errors: number;
  lagP99Ms?: number;
}

const WARMUP_REQUESTS = 2000;
const TIMEOUT_MS = 10_000;

async function ours(url: string, requests: number, connections: number): Promise<Outcome> {
  const result = await runLoad({ url, requests, concurrency: connections, timeoutMs: TIMEOUT_MS });
  return { done: result.completed, errors: result.errors.total };
}

async function oursOpen(url: string, requests: number, connections: number, rate: number, sendQuantumMs?: number): Promise<Outcome> {
  const result = await runOpenLoad({ url, rate, durationMs: (requests / rate) * 1000, connections, timeoutMs: TIMEOUT_MS, ...(sendQuantumMs === undefined ? {} : { sendQuantumMs }) });
  return { done: result.sent, errors: result.errors.total + result.dropped + result.unfinished, lagP99Ms: result.schedulerLagMs.p99 };
}

async function theirs(url: string, requests: number, connections: number, rate?: number): Promise<Outcome> {
  // autocannon notices the end of a run at its next sample tick: sample often so
  // that its wall time is not padded by up to a second.
  const result = await autocannon({
    url, amount: requests, connections, pipelining: 1, timeout: TIMEOUT_MS / 1000, sampleInt: 10,
    ...(rate === undefined ? {} : { overallRate: rate }),
  });
  return { done: result.requests.total, errors: result.errors + result.timeouts + result.non2xx };
}

async function main(): Promise<void> {
  const [tool, url, rawRequests, rawConnections, rawRate] = process.argv.slice(2);
  const requests = Number(rawRequests);
  const connections = Number(rawConnections);
  const rate = rawRate === undefined ? undefined : Number(rawRate);
  const known = tool === 'ours' || tool === 'autocannon' || (tool === 'ours-quota' && rate !== undefined);
  if (!known || url === undefined || !(requests > 0) || !(connections > 0) || (rate !== undefined && !(rate > 0))) {
    throw new Error('usage: generator-child.js ours|ours-quota|autocannon URL REQUESTS CONNECTIONS [RATE] (ours-quota needs RATE)');
  }
  const run = (u: string, n: number, c: number): Promise<Outcome> => {
    if (tool === 'autocannon') return theirs(u, n, c, rate);
    if (rate === undefined) return ours(u, n, c);
    return oursOpen(u, n, c, rate, tool === 'ours-quota' ? QUOTA_QUANTUM_MS : undefined);
  };
  // Warm-up at full speed, then (at a fixed rate) one second of the measured schedule:
  // the JIT warms the code the round runs, as in a sweep, whose steps share one process.
  await (tool === 'autocannon' ? theirs(url, WARMUP_REQUESTS, connections) : ours(url, WARMUP_REQUESTS, connections));
  if (rate !== undefined) await run(url, Math.max(connections, Math.round(rate)), connections);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { done, errors, lagP99Ms } = await run(url, requests, connections);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const report: RoundReport = { tool, requests: done, errors, wallMs, cpuMicros: cpu.user + cpu.system, ...(lagP99Ms === undefined ? {} : { lagP99Ms }) };
  process.send?.(report);
}

await main();
process.disconnect?.();
