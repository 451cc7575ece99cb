/**
 * The open-model load step: requests start on a fixed schedule (request i is due at
 * i / rate seconds), whatever the server does, like wrk2 or k6's constant-arrival-rate.
 *
 * A closed loop (make compare) sends the next request only when the last one
 * answered, so a stalled server also stalls the clock that measures it (coordinated
 * omission). Here every request's latency is measured from its INTENDED send time
 * (corrected), with the time from its actual write beside it (uncorrected): once the
 * server stalls, requests pile up behind it and the corrected figure shows the wait.
 *
 * At most `connections` requests are in flight (one per keep-alive connection,
 * pipelining 1). A request that is due while every connection is busy waits in the
 * generator for the next free one (counted as `queuedForConnection`; its wait is in
 * the corrected latency); whatever is still waiting when the step's deadline passes is
 * `dropped`, and what is still in flight then is `unfinished`: counted, never skipped.
 *
 * The scheduler wakes at most once per send quantum (DEFAULT_SEND_QUANTUM_MS) and sends
 * what fell due since: that is the generator's CPU, each request still measured from
 * its own intended time. Connections, sending and timing are the load core's (load-core.ts).
 */
import type { RunErrors } from '../model/report-model.js';
import { LatencyDistribution } from './latency.js';
import { LoadCore, type Exchange } from './load-core.js';
import { classifyError, classifyStatus } from './outcome.js';
import { round } from '../model/numbers.js';

export interface OpenLoadOptions {
  /** Full URL of the target, e.g. http://127.0.0.1:3001/heavy */
  url: string;
  /** Offered rate, requests per second (> 0). */
  rate: number;
  /** How long requests are started for, ms. */
  durationMs: number;
  /** Most requests in flight at once (one keep-alive connection each). */
  connections: number;
  /** Per-request headers/body timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** How long after the sending window in-flight and waiting requests may still finish, ms (default: max(2000, durationMs), at most timeoutMs). */
  drainMs?: number;
  /**
   * When set, every connection first sends one GET to this path (not measured, its CPU
   * not counted), so the step's requests do not pay for connection setup.
   */
  warmPath?: string;
  /** Called once the connections are up, right before the schedule starts (e.g. to start CPU accounting). */
  onScheduleStart?: () => void;
  /**
   * The scheduler wakes at most once per this many ms and then sends every request
   * that fell due (default DEFAULT_SEND_QUANTUM_MS; 1 wakes for every due time, as
   * timers allow).
   */
  sendQuantumMs?: number;
  /** Called about every 100 ms with (requests finished, requests scheduled). */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Latency percentiles of one distribution, ms. */
export interface OpenLatency {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface OpenStepResult {
  /** The rate the schedule offered, requests/s. */
  offeredRps: number;
  /** 2xx responses per second, from the step's start to its last completion. */
  achievedRps: number;
  /** Requests the schedule held (rate × duration). */
  scheduled: number;
  /** Requests written to a connection. */
  sent: number;
  /** Complete responses (any status). */
  responses: number;
  /** Due while every connection was busy: sent late, from the generator's own queue. */
  queuedForConnection: number;
  /** Never sent: still waiting for a connection at the step's deadline. */
  dropped: number;
  /** Sent but not answered by the step's deadline (destroyed then). */
  unfinished: number;
  errors: RunErrors;
  /** From the intended send time to the body's end: what a user arriving on schedule saw. */
  latencyMs: OpenLatency;
  /** From the actual write to the body's end: what a closed-loop tool would report. */
  uncorrectedMs: OpenLatency;
  /** How late the generator itself was on its schedule while a connection was free (its send quantum included), ms. */
  schedulerLagMs: { p99: number; max: number };
  /** The generator's own CPU over the step (process.cpuUsage), seconds. */
  generatorCpuSeconds: number;
  /** Step start to last completion (or the deadline), ms. */
  wallMs: number;
  connections: number;
  durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The scheduler's quantum, ms: below 1000 / quantum req/s every request goes at its own
 * time; above, what fell due since the last wake-up goes together, at most this late.
 * On the 2-core development machine a wake-up of the generator costs 30–60 µs of CPU,
 * more than the request it sends: at 2000 req/s a 1 ms quantum cost 60–80 µs per
 * request, 5 ms 40–45, 8 ms 35–38 (make bench-generator). 5 ms keeps the generator's
 * lag (its p99 is printed, and the sweep warns above 10 ms) at half the lateness the
 * sweep tolerates, and bursts small: 2 or 3 requests at once at 500 req/s.
 */
export const DEFAULT_SEND_QUANTUM_MS = 5;

function latencyOf(d: LatencyDistribution): OpenLatency {
  return { count: d.count, mean: d.mean(), p50: d.at(50), p90: d.at(90), p99: d.at(99), p999: d.at(99.9), max: d.at(100) };
}

/**
 * The idle connections, taken in the order they became idle (a ring). Taking the
 * longest-idle one spreads requests over every connection, as many independent users
 * would, rather than piling them on the few most recently used: the topologies
 * balance connections, not requests, so a generator that concentrated its requests on
 * a couple of connections would measure its own choice of worker, not theirs.
 */
class FreeConnections {
  readonly #ring: (Exchange | undefined)[];
  #head = 0;
  size = 0;

  constructor(capacity: number) {
    this.#ring = new Array<Exchange | undefined>(capacity);
  }

  put(slot: Exchange): void {
    this.#ring[(this.#head + this.size) % this.#ring.length] = slot;
    this.size++;
  }

  take(): Exchange | undefined {
    if (this.size === 0) return undefined;
    const slot = this.#ring[this.#head];
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#ring.length;
    this.size--;
    return slot;
  }
}

/**
 * Runs one open-model step against `url` and measures it. Resolves after the last
 * request finished or the deadline (durationMs + drainMs) passed, every connection
 * closed; rejects with the signal's reason when aborted.
 */
export async function runOpenLoad(options: OpenLoadOptions): Promise<OpenStepResult> {
  const url = new URL(options.url);
  if (!(options.rate > 0) || !Number.isFinite(options.rate)) throw new Error(`rate must be a positive number, got ${options.rate}`);
  if (!(options.durationMs > 0)) throw new Error(`durationMs must be positive, got ${options.durationMs}`);
  if (!Number.isInteger(options.connections) || options.connections < 1) throw new Error(`connections must be an integer >= 1, got ${options.connections}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const drainMs = options.drainMs ?? Math.min(timeoutMs, Math.max(2000, options.durationMs));
  options.signal?.throwIfAborted();

  const intervalMs = 1000 / options.rate;
  const quantumMs = options.sendQuantumMs ?? DEFAULT_SEND_QUANTUM_MS;
  if (!(quantumMs >= 1) || !Number.isFinite(quantumMs)) throw new Error(`sendQuantumMs must be a number >= 1, got ${quantumMs}`);
  const scheduled = Math.max(1, Math.floor((options.rate * options.durationMs) / 1000));

  const corrected = new LatencyDistribution();
  const uncorrected = new LatencyDistribution();
  const lag = new LatencyDistribution();
  let non2xx = 0;
  let socket = 0;
  let timeout = 0;
  let ok = 0;
  let responses = 0;
  let sent = 0;
  let queuedForConnection = 0;
  let finished = 0;
  let lastCompletionMs = 0;
  /** Requests [0, next) have been sent; [next, …) wait for their time or, when due, for a connection. */
  let next = 0;
  /** Requests below this index were found due with no connection free: they waited for one. */
  let blockedUpTo = 0;
  let ended = false;
  /** When the scheduler's timer last sent, ms on the step's clock. */
  let lastTickMs = Number.NEGATIVE_INFINITY;

  let startMs = 0;
  const clock = { sinceStart: (): number => performance.now() - startMs };
  const intended = (i: number): number => i * intervalMs;

  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  /** Sends what is due while a connection is free (at time t). */
  const pump = (t: number): void => {
    while (next < scheduled && intended(next) <= t) {
      const exchange = free.take();
      if (exchange === undefined) {
        blockedUpTo = Math.min(scheduled, Math.floor(t / intervalMs) + 1);
        return;
      }
      const i = next++;
      // A request found due with every connection busy waited for one; for the others,
      // how late the send is measures the generator's own lag on its schedule.
      if (i < blockedUpTo) queuedForConnection++;
      else lag.record(t - intended(i));
      sent++;
      core.send(exchange, intended(i));
    }
  };

  const onEnd = (exchange: Exchange, error: unknown): void => {
    if (ended) return;
    const t = exchange.endedMs;
    finished++;
    if (error === null) {
      responses++;
      if (classifyStatus(exchange.status) === 'ok') ok++;
      else non2xx++;
      corrected.record(t - exchange.mark);
      uncorrected.record(t - (exchange.writtenMs < 0 ? exchange.mark : exchange.writtenMs));
      lastCompletionMs = t;
    } else if (classifyError(error) === 'timeout') timeout++;
    else socket++;
    free.put(exchange);
    if (finished === scheduled) {
      resolveDone();
      return;
    }
    // Requests that waited for a connection go at once; otherwise the timer sends what is due.
    if (next < blockedUpTo) pump(clock.sinceStart());
    arm();
  };

  const core = new LoadCore({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    connections: options.connections,
    timeoutMs,
    keepAlive: true,
    clock,
    onEnd,
  });
  const free = new FreeConnections(options.connections);
  for (const exchange of core.exchanges) free.put(exchange);

  if (options.warmPath !== undefined) await core.preconnect(options.warmPath);

  let timer: NodeJS.Timeout | undefined;
  /**
   * Wakes the scheduler at the next due time, but at most once per quantum: a wake-up
   * costs more CPU than the requests it sends, so at high rates one wake-up sends every
   * request that fell due since the last one (each is still measured from its own
   * intended time, and how late it went is the scheduler lag). While requests wait for
   * a connection nothing is armed: the connection that frees up sends them (onEnd).
   */
  function arm(): void {
    if (ended || timer !== undefined || next >= scheduled) return;
    const t = clock.sinceStart();
    const due = intended(next) - t;
    if (due <= 0 && free.size === 0) return;
    const wait = Math.max(due, lastTickMs + quantumMs - t);
    // Rounded up: one wake-up per due time (an early wake-up would only re-arm a 1 ms timer), at most ~1 ms late.
    timer = setTimeout(tick, wait > 1 ? Math.ceil(wait) : 1);
  }
  function tick(): void {
    timer = undefined;
    if (ended) return;
    lastTickMs = clock.sinceStart();
    pump(lastTickMs);
    arm();
  }

  const progress = options.onProgress
    ? setInterval(() => options.onProgress?.(finished, scheduled), 100)
    : undefined;
  progress?.unref();
  let deadlineTimer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    deadlineTimer = setTimeout(resolve, options.durationMs + drainMs);
  });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);

  options.onScheduleStart?.();
  const cpuBefore = process.cpuUsage();
  startMs = performance.now();
  try {
    tick();
    await Promise.race([done, deadline, aborted]);
  } finally {
    ended = true;
    const endedAt = clock.sinceStart();
    if (timer) clearTimeout(timer);
    clearTimeout(deadlineTimer);
    if (progress) clearInterval(progress);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    const pending = finished < scheduled;
    // Cut off at the deadline: the step lasted until then.
    if (pending) lastCompletionMs = Math.max(lastCompletionMs, endedAt);
    await core.close(pending ? 'destroy' : 'graceful');
  }
  const cpu = process.cpuUsage(cpuBefore);
  options.onProgress?.(finished, scheduled);

  const unfinished = sent - finished;
  const dropped = scheduled - sent;
  const wallMs = lastCompletionMs;
  return {
    offeredRps: options.rate,
    achievedRps: wallMs > 0 ? ok / (wallMs / 1000) : 0,
    scheduled,
    sent,
    responses,
    queuedForConnection,
    dropped,
    unfinished,
    errors: { non2xx, socket, timeout, total: non2xx + socket + timeout },
    latencyMs: latencyOf(corrected),
    uncorrectedMs: latencyOf(uncorrected),
    schedulerLagMs: { p99: lag.at(99), max: lag.at(100) },
    generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallMs: round(wallMs, 3),
    connections: options.connections,
    durationMs: options.durationMs,
  };
}
