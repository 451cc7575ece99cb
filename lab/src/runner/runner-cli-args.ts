/**
 * Command-line arguments of the runner CLI, parsed and validated without side effects.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_TIMEOUT_MS } from './run-options.js';

export interface CliOptions {
  url: string;
  requests: number;
  concurrency: number;
  timeoutMs: number;
  keepAlive: boolean;
  warmup: number;
  /** Where to write the run as JSON ({ result, workers }), if anywhere. */
  json: string | undefined;
  /** Workers' /metrics URLs read before and after the run (CPU and handler time per worker). */
  metrics: string[];
  /** Serve the run's client-side metrics for Prometheus (--export-metrics, --mode, --testid), if asked. */
  exportMetrics: ExportMetrics | undefined;
  /** --spread-dns: resolve the URL's host to all its addresses and spread the connections over them. */
  spreadDns: boolean;
}

export interface ExportMetrics {
  port: number;
  mode: string;
  testid: string;
}

/** The open-model mode (--rate): one step on a fixed schedule, as the sweep runs it. */
export interface OpenCliOptions {
  url: string;
  rate: number;
  durationMs: number;
  connections: number;
  timeoutMs: number;
  /** A path every connection GETs once before the schedule starts (not measured). */
  warmPath: string | undefined;
  json: string | undefined;
  metrics: string[];
}

/** The steady-state warm-up (--steady-window): windows of requests until every process's CPU per request is stable. */
export interface SteadyCliOptions {
  url: string;
  concurrency: number;
  timeoutMs: number;
  keepAlive: boolean;
  /** Requests per serving process in one window. */
  window: number;
  /** Requests each process must have served before it can be called steady. */
  min: number;
  /** Where to write the WarmUpReport as JSON. */
  json: string | undefined;
  /** Every serving process's /metrics, read after each window. */
  metrics: string[];
  spreadDns: boolean;
}

export type CliParse =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'steady'; options: SteadyCliOptions }
  | { kind: 'open'; options: OpenCliOptions }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const USAGE = `usage: cli.js --url URL -n REQUESTS -c CONCURRENCY [--timeout-ms MS] [--warmup N] [--no-keepalive] [--json FILE]
       cli.js --url URL --rate R --duration-ms D --connections C [--warm-path P] [--timeout-ms MS] [--json FILE]

  --url URL            target, base and path: http://127.0.0.1:3001/heavy
  -n, --requests N     total requests, shared by all connections
  -c, --concurrency N  concurrent connections
  --timeout-ms MS      per-request timeout (default ${DEFAULT_TIMEOUT_MS})
  --warmup N           requests sent and discarded before measuring (default 0)
  --no-keepalive       a new connection for every request
  --spread-dns         resolve the URL's host to all its addresses and spread the connections over them,
                       as clients of a DNS round-robin service do (Swarm's dnsrr); the Host header is the URL's
  --json FILE          also write the full result as JSON: { result, workers }
  --metrics URL        a worker's /metrics, read before and after the run (repeat for each worker)
  --rate R             open model: start R requests/s on a fixed schedule (the sweep's step); prints the step as JSON
  --duration-ms D      open model: how long requests are started for
  --connections C      open model: most requests in flight (keep-alive connections)
  --warm-path P        open model: each connection first GETs this path, not measured
  --steady-window W    warm every serving process (one --metrics each) in windows of W requests per process
                       until its CPU per request is steady; with --json, writes the warm-up's report
  --steady-min M       with --steady-window: requests each process serves before it can be steady (default 0)
  --export-metrics P   serve the run's client-side metrics on port P at /metrics while it runs (needs --mode, --testid)
  --mode M, --testid T the labels of those metrics: the topology and the run's id
  -h, --help           this text`;

const ACCEPTED = '--url, -n/--requests, -c/--concurrency, --timeout-ms, --warmup, --no-keepalive, --spread-dns, --json, --metrics, --rate, --duration-ms, --connections, --warm-path, --steady-window, --steady-min, --export-metrics, --mode, --testid, -h/--help';

export function parseCliArgs(argv: readonly string[]): CliParse {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        requests: { type: 'string', short: 'n' },
        concurrency: { type: 'string', short: 'c' },
        'timeout-ms': { type: 'string' },
        warmup: { type: 'string' },
        'no-keepalive': { type: 'boolean' },
        'spread-dns': { type: 'boolean' },
        json: { type: 'string' },
        metrics: { type: 'string', multiple: true },
        rate: { type: 'string' },
        'duration-ms': { type: 'string' },
        connections: { type: 'string' },
        'warm-path': { type: 'string' },
        'steady-window': { type: 'string' },
        'steady-min': { type: 'string' },
        'export-metrics': { type: 'string' },
        mode: { type: 'string' },
        testid: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'error', message: describeParseError(error) };
  }
  if (values.help === true) return { kind: 'help' };

  const url = values.url;
  if (typeof url !== 'string') return { kind: 'error', message: '--url is required: an http:// or https:// URL with a path, e.g. http://127.0.0.1:3001/heavy' };
  if (!isHttpUrl(url)) return { kind: 'error', message: `--url: expected an http:// or https:// URL, got "${url}"` };
  if (values.rate !== undefined) return parseOpen(url, values);
  if (values['steady-window'] !== undefined) return parseSteady(url, values);
  const requests = integerFlag('-n/--requests', values.requests, 1, undefined);
  if (typeof requests === 'string') return { kind: 'error', message: requests };
  const concurrency = integerFlag('-c/--concurrency', values.concurrency, 1, undefined);
  if (typeof concurrency === 'string') return { kind: 'error', message: concurrency };
  const timeoutMs = integerFlag('--timeout-ms', values['timeout-ms'], 1, DEFAULT_TIMEOUT_MS);
  if (typeof timeoutMs === 'string') return { kind: 'error', message: timeoutMs };
  const warmup = integerFlag('--warmup', values.warmup, 0, 0);
  if (typeof warmup === 'string') return { kind: 'error', message: warmup };
  const output = outputFlags(values);
  if (typeof output === 'string') return { kind: 'error', message: output };
  const { json, metrics } = output;
  const exportMetrics = exportFlags(values);
  if (typeof exportMetrics === 'string') return { kind: 'error', message: exportMetrics };

  return {
    kind: 'run',
    options: {
      url,
      requests,
      concurrency,
      timeoutMs,
      warmup,
      keepAlive: values['no-keepalive'] !== true,
      json,
      metrics,
      exportMetrics,
      spreadDns: values['spread-dns'] === true,
    },
  };
}

function parseSteady(url: string, values: Record<string, string | boolean | string[] | undefined>): CliParse {
  const window = integerFlag('--steady-window', values['steady-window'], 1, undefined);
  if (typeof window === 'string') return { kind: 'error', message: window };
  const min = integerFlag('--steady-min', values['steady-min'], 0, 0);
  if (typeof min === 'string') return { kind: 'error', message: min };
  const concurrency = integerFlag('-c/--concurrency', values.concurrency, 1, undefined);
  if (typeof concurrency === 'string') return { kind: 'error', message: concurrency };
  const timeoutMs = integerFlag('--timeout-ms', values['timeout-ms'], 1, DEFAULT_TIMEOUT_MS);
  if (typeof timeoutMs === 'string') return { kind: 'error', message: timeoutMs };
  const output = outputFlags(values);
  if (typeof output === 'string') return { kind: 'error', message: output };
  if (output.metrics.length === 0) return { kind: 'error', message: '--steady-window needs --metrics: every serving process\'s /metrics URL' };
  return { kind: 'steady', options: { url, concurrency, timeoutMs, keepAlive: values['no-keepalive'] !== true, window, min, json: output.json, metrics: output.metrics, spreadDns: values['spread-dns'] === true } };
}

/** --export-metrics with its labels, all three or none; or a one-line message. */
function exportFlags(values: Record<string, string | boolean | string[] | undefined>): ExportMetrics | undefined | string {
  const { mode, testid } = values;
  if (values['export-metrics'] === undefined) {
    return mode === undefined && testid === undefined ? undefined : '--mode and --testid label --export-metrics: give it too';
  }
  const port = integerFlag('--export-metrics', values['export-metrics'], 1, undefined);
  if (typeof port === 'string') return port;
  if (port > 65535) return `--export-metrics: expected a port from 1 to 65535, got "${port}"`;
  const label = /^[A-Za-z0-9_.:-]+$/;
  if (typeof mode !== 'string' || !label.test(mode)) return '--mode is required with --export-metrics: a topology name, e.g. cluster';
  if (typeof testid !== 'string' || !label.test(testid)) return '--testid is required with --export-metrics: the run\'s id, e.g. cluster-2026-12-04T10-00-00Z-r1';
  return { port, mode, testid };
}

/** The open-model mode: --rate, --duration-ms and --connections together; the closed loop's flags are refused. */
function parseOpen(url: string, values: Record<string, string | boolean | string[] | undefined>): CliParse {
  const closed = (['requests', 'concurrency', 'warmup', 'no-keepalive', 'export-metrics', 'spread-dns'] as const).find((k) => values[k] !== undefined);
  if (closed !== undefined) return { kind: 'error', message: `--${closed} is not accepted with --rate (the open model takes --duration-ms and --connections)` };
  const rawRate = values.rate;
  const rate = typeof rawRate === 'string' && /^\d+(\.\d+)?$/.test(rawRate) ? Number(rawRate) : Number.NaN;
  if (!(rate > 0) || !Number.isFinite(rate)) return { kind: 'error', message: `--rate: expected a number of requests per second above 0, got "${String(rawRate)}"` };
  const durationMs = integerFlag('--duration-ms', values['duration-ms'], 1, undefined);
  if (typeof durationMs === 'string') return { kind: 'error', message: durationMs };
  const connections = integerFlag('--connections', values.connections, 1, undefined);
  if (typeof connections === 'string') return { kind: 'error', message: connections };
  const timeoutMs = integerFlag('--timeout-ms', values['timeout-ms'], 1, DEFAULT_TIMEOUT_MS);
  if (typeof timeoutMs === 'string') return { kind: 'error', message: timeoutMs };
  const warmPath = values['warm-path'];
  if (typeof warmPath === 'string' && !warmPath.startsWith('/')) return { kind: 'error', message: `--warm-path: expected a path starting with /, got "${warmPath}"` };
  const output = outputFlags(values);
  if (typeof output === 'string') return { kind: 'error', message: output };
  const { json, metrics } = output;
  return {
    kind: 'open',
    options: { url, rate, durationMs, connections, timeoutMs, warmPath: typeof warmPath === 'string' ? warmPath : undefined, json, metrics },
  };
}

/** Where a run writes its JSON and whose metrics it reads, shared by both modes; or a one-line message. */
function outputFlags(values: Record<string, string | boolean | string[] | undefined>): { json: string | undefined; metrics: string[] } | string {
  const json = values.json;
  if (json === '') return '--json: expected a file path';
  const metrics = Array.isArray(values.metrics) ? values.metrics : [];
  const badMetrics = metrics.find((m) => !isHttpUrl(m));
  if (badMetrics !== undefined) return `--metrics: expected an http:// URL, got "${badMetrics}"`;
  return { json: typeof json === 'string' ? json : undefined, metrics };
}

/** The integer, or a one-line message naming the flag and what it accepts. */
function integerFlag(flag: string, raw: string | boolean | string[] | undefined, min: number, fallback: number | undefined): number | string {
  const accepted = `an integer >= ${min}`;
  if (raw === undefined || typeof raw !== 'string') return fallback ?? `${flag} is required: ${accepted}`;
  if (!/^\d+$/.test(raw)) return `${flag}: expected ${accepted}, got "${raw}"`;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) return `${flag}: expected ${accepted}, got "${raw}"`;
  return value;
}

function isHttpUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** node:util's parse errors are several sentences; keep one line naming the flag. */
function describeParseError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  // The quoted part names the flag: '--foo', '--url <value>', '-n, --requests <value>'.
  const quoted = /'([^']*)'/.exec(message)?.[1]?.replace(/ <value>$/, '').replace(', ', '/');
  const flag = quoted ?? 'argument';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag} (accepted: ${ACCEPTED})`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('does not take') ? `${flag}: takes no value` : `${flag}: needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${flag}" (accepted: ${ACCEPTED})`;
    default:
      return `${message.split('\n')[0] ?? message} (accepted: ${ACCEPTED})`;
  }
}
