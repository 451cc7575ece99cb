/**
 * What a load run takes, and its validation into a normalized form.
 */
import { isIP } from 'node:net';
import type { Outcome } from './outcome.js';
import type { Scenario } from '../model/report-model.js';

export interface RunOptions {
  /** Full target URL: base and path (and query), e.g. http://127.0.0.1:3001/heavy. */
  url: string;
  /** Total requests, drawn from one shared counter by all connections. */
  requests: number;
  /** Concurrent connections (each with at most one request in flight). */
  concurrency: number;
  /** Keep connections alive (default true); false opens a new connection per request. */
  keepAlive?: boolean;
  /** A request without a complete answer after this long is a timeout (default 30000). */
  timeoutMs?: number;
  /** Called after every finished request (success or error). Keep it cheap. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting stops the run: nothing new is sent, open connections are destroyed, and runLoad rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Told of every finished request as it finishes (the client-side metrics Prometheus scrapes). */
  observer?: RequestObserver;
  /**
   * The URL host's addresses (IPv4 or IPv6), when the client spreads its connections over
   * them: connection i goes to addresses[i % n], with the URL's host in its Host header, as
   * clients of a DNS round-robin service do (Swarm's dnsrr, a headless Service). Unset: the
   * URL's host is resolved once, as any client would.
   */
  addresses?: readonly string[];
}

/** Sees each finished request: its outcome, and its latency when a complete response came. */
export interface RequestObserver {
  observe(outcome: Outcome, latencyMs: number | null): void;
}

export interface NormalizedRunOptions {
  url: string;
  origin: string;
  /** Path and query sent on every request. */
  path: string;
  requests: number;
  concurrency: number;
  keepAlive: boolean;
  timeoutMs: number;
  onProgress: ((done: number, total: number) => void) | undefined;
  signal: AbortSignal | undefined;
  observer: RequestObserver | undefined;
  addresses: readonly string[] | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Validates options; throws TypeError/RangeError naming the option at fault. */
export function normalizeRunOptions(options: RunOptions): NormalizedRunOptions {
  let target: URL;
  try {
    target = new URL(options.url);
  } catch {
    throw new TypeError(`url: not a valid URL: ${String(options.url)}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new TypeError(`url: only http: and https: are supported, got ${target.protocol}`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  requirePositiveInteger('requests', options.requests);
  requirePositiveInteger('concurrency', options.concurrency);
  requirePositiveInteger('timeoutMs', timeoutMs);
  const bad = options.addresses?.find((a) => isIP(a) === 0);
  if (bad !== undefined) throw new TypeError(`addresses: expected IP addresses, got ${bad}`);
  if (options.addresses?.length === 0) throw new RangeError('addresses: expected at least one address, got none');
  return {
    url: target.href,
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    requests: options.requests,
    concurrency: options.concurrency,
    keepAlive: options.keepAlive ?? true,
    timeoutMs,
    onProgress: options.onProgress,
    observer: options.observer,
    signal: options.signal,
    addresses: options.addresses,
  };
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name}: expected a positive integer, got ${String(value)}`);
  }
}

/** Run options for a scenario against a topology's base URL (http://127.0.0.1:3002). */
export function scenarioRunOptions(baseUrl: string, scenario: Scenario): RunOptions {
  return {
    url: new URL(scenario.path, baseUrl).href,
    requests: scenario.requests,
    concurrency: scenario.concurrency,
    keepAlive: scenario.keepAlive,
    timeoutMs: scenario.timeoutMs,
  };
}
