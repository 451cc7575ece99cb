/**
 * What does our load generator cost next to autocannon? A trivial node:http server runs
 * in a child process; in alternating rounds our runner and autocannon (programmatic,
 * same connections and request count, each round in a fresh child process after a
 * warm-up) load it, and each round's generator CPU per request and requests/s are
 * reported, then the medians (min–max) and the ratio ours/autocannon: of the medians,
 * its range over the rounds (each round's pair), and the 95% interval of the ratio of means.
 *
 * Then the same at a fixed rate (--rate, default 2000 req/s; 0 skips it): ours with the
 * sweep's open-model runner, autocannon with overallRate, --rate-requests each. The two
 * do not space their requests alike: ours sends each request at its own time, or what
 * fell due within its send quantum together (its scheduler lag, printed, is the price);
 * autocannon sends each connection's quota for the second back to back at the start of
 * the second, so its server, and its own process, wake up far less often.
 *
 *   npm run bench:generator -w lab [-- --requests 20000 --connections 50 --rounds 5 --rate 2000 --rate-requests 6000]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SEND_QUANTUM_MS } from '../src/runner/open-model.js';
import { median } from '../src/runner/stats.js';
import { formatEstimate, ratioInterval } from '../src/model/interval.js';
import type { RoundReport } from './generator-child.js';
import { QUOTA_QUANTUM_MS } from './spacing.js';

type Tool = RoundReport['tool'];

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

interface Settings {
  requests: number;
  connections: number;
  rounds: number;
  rate: number;
  rateRequests: number;
}

function settings(): Settings {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '20000' },
      connections: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '5' },
      rate: { type: 'string', default: '2000' },
      'rate-requests': { type: 'string', default: '6000' },
    },
  });
  const number = (flag: string, raw: string): number => {
    const value = Number(raw);
    const min = flag === 'rate' ? 0 : 1;
    if (!Number.isSafeInteger(value) || value < min) {
      process.stderr.write(`generator-cost: --${flag}: expected an integer >= ${min}, got "${raw}"\n`);
      process.exit(2);
    }
    return value;
  };
  return {
    requests: number('requests', values.requests),
    connections: number('connections', values.connections),
    rounds: number('rounds', values.rounds),
    rate: number('rate', values.rate),
    rateRequests: number('rate-requests', values['rate-requests']),
  };
}

async function startTarget(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(here('./trivial-server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return { child, url: `http://127.0.0.1:${message.port}/` };
}

async function round(tool: Tool, url: string, s: Settings, rate?: number): Promise<RoundReport> {
  const args = [tool, url, String(rate === undefined ? s.requests : s.rateRequests), String(s.connections), ...(rate === undefined ? [] : [String(rate)])];
  const child = fork(here('./generator-child.js'), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let report: RoundReport | undefined;
  child.on('message', (message: RoundReport) => {
    report = message;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (report === undefined) throw new Error(`${tool} round failed (exit code ${code})`);
  return report;
}

const perRequest = (r: RoundReport): number => r.cpuMicros / r.requests;
const rps = (r: RoundReport): number => r.requests / (r.wallMs / 1000);

const range = (values: readonly number[], decimals: number): string =>
  `${median(values).toFixed(decimals)} (${Math.min(...values).toFixed(decimals)}–${Math.max(...values).toFixed(decimals)})`;

/** The ratio lines of one of our variants against autocannon (rounds ran both back to back). */
function ratioLines(label: string, ours: readonly RoundReport[], theirs: readonly RoundReport[]): string[] {
  const cpu = { ours: ours.map(perRequest), autocannon: theirs.map(perRequest) };
  // Round i ran both tools back to back: its ratio is the least disturbed by drift on a shared machine.
  const pairs = cpu.ours.map((o, i) => o / (cpu.autocannon[i] ?? Number.NaN));
  return [
    `${label}/autocannon, CPU per request: ×${(median(cpu.ours) / median(cpu.autocannon)).toFixed(2)} of the medians; per round ×${range(pairs, 2)}; ratio of means ×${formatEstimate(ratioInterval(cpu.ours, cpu.autocannon), 2)} (95%)`,
    `${label}/autocannon, requests/s: ×${(median(ours.map(rps)) / median(theirs.map(rps))).toFixed(2)}`,
  ];
}

function summary(title: string, rounds: readonly RoundReport[], tools: readonly Tool[]): string {
  const of = (tool: Tool): RoundReport[] => rounds.filter((r) => r.tool === tool);
  const theirs = of('autocannon');
  const ourTools = tools.filter((t) => t !== 'autocannon');
  const lags = (tool: Tool): number[] => of(tool).flatMap((r) => (r.lagP99Ms === undefined ? [] : [r.lagP99Ms]));
  return [
    '',
    `${title.padEnd(12)}${'cpu µs/req median (min–max)'.padStart(30)}${'req/s median'.padStart(14)}`,
    ...tools.map((tool) => `${tool.padEnd(12)}${range(of(tool).map(perRequest), 1).padStart(30)}${Math.round(median(of(tool).map(rps))).toString().padStart(14)}`),
    ...ourTools.flatMap((tool) => ratioLines(tool, of(tool), theirs)),
    ...ourTools.flatMap((tool) => {
      const l = lags(tool);
      const quantum = tool === 'ours' ? DEFAULT_SEND_QUANTUM_MS : QUOTA_QUANTUM_MS;
      return l.length === 0 ? [] : [`${tool}: send quantum ${quantum} ms, scheduler lag p99 ${range(l, 2)} ms`];
    }),
    '',
  ].join('\n');
}

async function rounds(url: string, s: Settings, tools: readonly Tool[], rate?: number): Promise<RoundReport[]> {
  const out: RoundReport[] = [];
  process.stdout.write(`${'round'.padEnd(7)}${'tool'.padEnd(12)}${'cpu µs/req'.padStart(12)}${'req/s'.padStart(10)}${'errors'.padStart(8)}\n`);
  for (let i = 0; i < s.rounds; i++) {
    // Alternate the order, so that neither tool always runs first after a pause.
    const order = i % 2 === 0 ? tools : [...tools].reverse();
    for (const tool of order) {
      const r = await round(tool, url, s, rate);
      out.push(r);
      process.stdout.write(
        `${String(i + 1).padEnd(7)}${tool.padEnd(12)}${perRequest(r).toFixed(1).padStart(12)}${Math.round(rps(r)).toString().padStart(10)}${String(r.errors).padStart(8)}\n`,
      );
    }
  }
  return out;
}

async function main(): Promise<void> {
  const s = settings();
  const target = await startTarget();
  try {
    process.stdout.write(`generator cost, as fast as each can: ${s.requests} requests on ${target.url} at ${s.connections} connections, ${s.rounds} rounds each\n\n`);
    const closed = await rounds(target.url, s, ['ours', 'autocannon']);
    process.stdout.write(summary('median', closed, ['ours', 'autocannon']));
    if (s.rate > 0) {
      process.stdout.write(`\ngenerator cost at a fixed ${s.rate} req/s (ours: the sweep's open-model runner; ours-quota: the same runner spaced as autocannon's overallRate, each second's requests at its start; autocannon: overallRate): ${s.rateRequests} requests, ${s.connections} connections\n\n`);
      const tools: Tool[] = ['ours', 'ours-quota', 'autocannon'];
      const open = await rounds(target.url, s, tools, s.rate);
      process.stdout.write(summary(`at ${s.rate}/s`, open, tools));
    }
  } finally {
    target.child.disconnect();
    await once(target.child, 'exit');
  }
}

await main();
