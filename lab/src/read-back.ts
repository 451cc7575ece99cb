/**
 * The JSON a container or a Job hands back (the runner's and k6's result files, the metrics
 * fetched inside a container), checked against the shape the lab reads before it is
 * used: a file that is not what was expected is one line naming it and the first
 * field that is wrong, never a report with undefined in it.
 */
import { readFileSync } from 'node:fs';
import type { RunResult, WarmUpReport } from './model/report-model.js';
import type { K6RunSummary } from './shared/k6-summary.js';
import type { WorkerDelta } from './runner/worker-metrics.js';

/** A check: the path of the first field that is wrong, or null. */
type Check = (value: unknown, at: string) => string | null;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A count: a number always. */
const count: Check = (v, at) => (typeof v === 'number' ? null : at);
/** A figure: a number, or null where JSON wrote a NaN (a figure of nothing, e.g. no request answered). */
const num: Check = (v, at) => (typeof v === 'number' || v === null ? null : at);
const nullableNum = num;
const str: Check = (v, at) => (typeof v === 'string' ? null : at);
const bool: Check = (v, at) => (typeof v === 'boolean' ? null : at);
const optional = (check: Check): Check => (v, at) => (v === undefined ? null : check(v, at));
const array = (item: Check): Check => (v, at) => (Array.isArray(v) ? v.reduce<string | null>((bad, x, i) => bad ?? item(x, `${at}[${i}]`), null) : at);
const recordOf = (item: Check): Check => (v, at) => (isRecord(v) ? Object.entries(v).reduce<string | null>((bad, [k, x]) => bad ?? item(x, `${at}.${k}`), null) : at);
const object = (fields: Readonly<Record<string, Check>>): Check => (v, at) =>
  isRecord(v) ? Object.entries(fields).reduce<string | null>((bad, [k, check]) => bad ?? check(v[k], `${at}.${k}`), null) : at;

const latency = object({ mean: num, p50: num, p90: num, p95: num, p99: num, max: num });
const errors = object({ non2xx: num, socket: num, timeout: num, total: num });
const firstVsLater = object({ first: object({ count: num, p50: num, p99: num }), later: object({ count: num, p50: num, p99: num }) });

/**
 * A run: what makes a file one (its target, its rate, the requests per worker, its latency
 * and error summaries as objects); the runner writes every other field of RunResult beside them.
 */
const runResult = object({
  generator: optional(str), target: str, rps: num, perWorker: recordOf(num), latencyMs: recordOf(num), errors: recordOf(num),
});
const workerDelta = object({ worker: str, cpuSeconds: num, handlerCount: count, handlerMeanMs: nullableNum });
const processCost = object({ worker: str, cpuPerRequestMs: nullableNum });

const CHECKS = {
  /** The runner's measured run (runner-cli --json): the run and each worker's CPU over it. */
  repetition: object({ result: runResult, workers: array(workerDelta) }),
  /** The runner's steady-state warm-up (runner-cli --steady-window). */
  warmUp: object({ stable: bool, requests: count, windows: count, seconds: num, tolerance: num, reference: array(processCost), text: str }),
  /** k6/bench.ts's summary. */
  k6Run: object({
    tool: (v, at) => (v === 'k6' ? null : at), testid: str, mode: str, target: str, requests: count, concurrency: count, keepAlive: bool,
    timeoutMs: num, completed: count, errors, totalTimeMs: num, rps: num, latencyMs: latency, perWorker: recordOf(num), firstVsLater,
  }),
  /** Metrics pages fetched inside a container: one text per URL. */
  texts: array(str),
} as const;

interface Shapes {
  repetition: { result: RunResult; workers: WorkerDelta[] };
  warmUp: WarmUpReport;
  k6Run: K6RunSummary;
  texts: string[];
}

/** `text` parsed and checked as a `shape`; `what` names where it came from in the refusal. */
export function parseChecked<K extends keyof Shapes>(shape: K, text: string, what: string): Shapes[K] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const bad = CHECKS[shape](value, shape);
  if (bad !== null) throw new Error(`${what} is not the expected ${shape}: ${bad} is missing or of the wrong type`);
  return value as Shapes[K]; // checked field by field above
}

/** A result file a container wrote, read and checked. */
export function readChecked<K extends keyof Shapes>(shape: K, file: string): Shapes[K] {
  return parseChecked(shape, readFileSync(file, 'utf8'), file);
}
