/**
 * What the metrics instrumentation costs: the single process started twice,
 * METRICS=on (A) and METRICS=off (B), on free ports, and loaded in alternating
 * rounds A B A B ... with keep-alive connections, a fixed number of requests per
 * round. Prints, for / and for /heavy, the median requests/s of each and the
 * on/off ratio, and the server's CPU time per request (from /proc, so it does not
 * depend on what else the machine runs at the same time as much as requests/s).
 *
 *   npm run bench:instrumentation -w app
 *
 * BENCH_ROUNDS (5), BENCH_CONNECTIONS (50), BENCH_ROOT_REQUESTS (20000) and
 * BENCH_HEAVY_REQUESTS (400) change the run.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { runLoad } from '../test/support/load.js';
import { SERVER_SCRIPT } from '../test/support/paths.js';
import { freePorts } from '../test/support/ports.js';
import { ProcessUnderTest } from '../test/support/process-under-test.js';

interface Variant {
  readonly name: 'on' | 'off';
  readonly origin: string;
  readonly process: ProcessUnderTest;
}

interface Sample {
  readonly requestsPerSecond: number;
  /** Server CPU time (user + system) per request, in microseconds. */
  readonly cpuMicrosPerRequest: number;
}

interface RouteResult {
  readonly path: string;
  readonly requests: number;
  readonly on: Sample[];
  readonly off: Sample[];
}

/** Linux reports /proc times in USER_HZ, 100 per second on every architecture Node runs on. */
const USER_HZ = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5), counted after the ")" that ends the command name.
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function startVariant(name: Variant['name']): Promise<Variant> {
  const { port, metricsPort } = await freePorts(1);
  const started = ProcessUnderTest.spawn({
    args: [SERVER_SCRIPT],
    env: { PORT: String(port), METRICS_PORT: String(metricsPort), METRICS: name, HOST: '127.0.0.1' },
  });
  await started.waitForOutput(/^App listening on port \d+$/m);
  if (name === 'on') await started.waitForOutput(/^Metrics on port \d+$/m);
  return { name, origin: `http://127.0.0.1:${port}`, process: started };
}

async function measure(variant: Variant, path: string, requests: number, connections: number): Promise<Sample> {
  const cpuBefore = cpuSecondsOf(variant.process.pid);
  const result = await runLoad({ origin: variant.origin, path, connections, requests });
  const cpuSeconds = cpuSecondsOf(variant.process.pid) - cpuBefore;
  if (result.failed > 0 || result.nonOk > 0) {
    throw new Error(`${variant.name} ${path}: ${result.failed} failed, ${result.nonOk} not 200: ${result.errors.join('; ')}`);
  }
  return { requestsPerSecond: result.requestsPerSecond, cpuMicrosPerRequest: (cpuSeconds / result.completed) * 1e6 };
}

function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function formatRatio(ratio: number): string {
  const percent = (ratio - 1) * 100;
  return `${ratio.toFixed(3)} (${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%)`;
}

async function main(): Promise<void> {
  const rounds = positiveInteger('BENCH_ROUNDS', 5);
  const connections = positiveInteger('BENCH_CONNECTIONS', 50);
  const routes = [
    { path: '/', requests: positiveInteger('BENCH_ROOT_REQUESTS', 20_000) },
    { path: '/heavy', requests: positiveInteger('BENCH_HEAVY_REQUESTS', 400) },
  ];

  const variants: Variant[] = [];
  try {
    variants.push(await startVariant('on'), await startVariant('off'));
    const [on, off] = variants as [Variant, Variant];
    console.log(
      `Instrumentation cost: node ${process.version}, ${availableParallelism()} CPUs, ${connections} keep-alive connections, ` +
        `${rounds} rounds of A (METRICS=on) then B (METRICS=off)`,
    );

    // Warm-up: let V8 optimise both servers' hot paths before anything counts.
    for (const variant of variants) {
      await measure(variant, '/', 5000, connections);
      await measure(variant, '/heavy', 50, connections);
    }

    const results: RouteResult[] = [];
    for (const route of routes) {
      const result: RouteResult = { ...route, on: [], off: [] };
      for (let round = 0; round < rounds; round++) {
        result.on.push(await measure(on, route.path, route.requests, connections));
        result.off.push(await measure(off, route.path, route.requests, connections));
      }
      results.push(result);
    }

    const rates = (samples: readonly Sample[]): number[] => samples.map((sample) => sample.requestsPerSecond);
    const cpu = (samples: readonly Sample[]): number[] => samples.map((sample) => sample.cpuMicrosPerRequest);
    console.log('');
    console.log('route    requests/round  req/s on  req/s off  on/off            CPU µs/req on  off     on/off');
    for (const result of results) {
      const rateRatio = median(rates(result.on)) / median(rates(result.off));
      const cpuRatio = median(cpu(result.on)) / median(cpu(result.off));
      console.log(
        `${result.path.padEnd(8)} ${String(result.requests).padStart(14)}  ${formatRate(median(rates(result.on))).padStart(8)}  ` +
          `${formatRate(median(rates(result.off))).padStart(9)}  ${formatRatio(rateRatio).padEnd(16)}  ` +
          `${median(cpu(result.on)).toFixed(1).padStart(13)}  ${median(cpu(result.off)).toFixed(1).padStart(6)}  ${formatRatio(cpuRatio)}`,
      );
    }
    console.log('(medians over the rounds; CPU is the server process only)');
    console.log('');
    for (const result of results) {
      console.log(`${result.path} req/s per round: on [${rates(result.on).map(formatRate).join(', ')}]  off [${rates(result.off).map(formatRate).join(', ')}]`);
      console.log(
        `${result.path} CPU µs/req per round: on [${cpu(result.on).map((value) => value.toFixed(1)).join(', ')}]  ` +
          `off [${cpu(result.off).map((value) => value.toFixed(1)).join(', ')}]`,
      );
    }
  } finally {
    for (const variant of variants) {
      variant.process.signal('SIGTERM');
      await variant.process.waitForExit(15_000).catch(() => undefined);
      variant.process.killGroup();
    }
  }
}

await main();
