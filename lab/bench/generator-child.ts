/**
 * One measured round of one load generator, in a fresh process so that only that
 * generator's CPU is counted: warm up (not measured), then run `requests` requests at
 * `connections` connections and report process.cpuUsage() and wall time over IPC.
 *
 *   node generator-child.js ours|autocannon URL REQUESTS CONNECTIONS
 */
import autocannon from 'autocannon';
import { runLoad } from '../src/runner/index.js';

export interface RoundReport {
  tool: 'ours' | 'autocannon';
  requests: number;
  errors: number;
  wallMs: number;
  cpuMicros: number;
}

const WARMUP_REQUESTS = 2000;
const TIMEOUT_MS = 10_000;

async function ours(url: string, requests: number, connections: number): Promise<{ done: number; errors: number }> {
  const result = await runLoad({ url, requests, concurrency: connections, timeoutMs: TIMEOUT_MS });
  return { done: result.completed, errors: result.errors.total };
}

async function theirs(url: string, requests: number, connections: number): Promise<{ done: number; errors: number }> {
  // autocannon notices the end of a run at its next sample tick: sample often so
  // that its wall time is not padded by up to a second.
  const result = await autocannon({ url, amount: requests, connections, pipelining: 1, timeout: TIMEOUT_MS / 1000, sampleInt: 10 });
  return { done: result.requests.total, errors: result.errors + result.timeouts + result.non2xx };
}

async function main(): Promise<void> {
  const [tool, url, rawRequests, rawConnections] = process.argv.slice(2);
  const requests = Number(rawRequests);
  const connections = Number(rawConnections);
  if ((tool !== 'ours' && tool !== 'autocannon') || url === undefined || !(requests > 0) || !(connections > 0)) {
    throw new Error('usage: generator-child.js ours|autocannon URL REQUESTS CONNECTIONS');
  }
  const run = tool === 'ours' ? ours : theirs;
  await run(url, WARMUP_REQUESTS, connections);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { done, errors } = await run(url, requests, connections);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const report: RoundReport = { tool, requests: done, errors, wallMs, cpuMicros: cpu.user + cpu.system };
  process.send?.(report);
}

await main();
process.disconnect?.();
