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
 */
import { Client, type Dispatcher } from 'undici';
import type { RunErrors } from '../report-model.js';
import { LatencyDistribution } from './latency.js';
import { classifyError, classifyStatus } from './outcome.js';
import { round } from './stats.js';

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
  /** How late the generator itself was on its schedule while a connection was free, ms. */
  schedulerLagMs: { p99: number; max: number };
  /** The generator's own CPU over the step (process.cpuUsage), seconds. */
  generatorCpuSeconds: number;
  /** Step start to last completion (or the deadline), ms. */
  wallMs: number;
  connections: number;
  durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function latencyOf(d: LatencyDistribution): OpenLatency {
  return { count: d.count, mean: d.mean(), p50: d.at(50), p90: d.at(90), p99: d.at(99), p999: d.at(99.9), max: d.at(100) };
}

/** One request in flight: its handler and its place in the schedule. Reused per connection. */
class InFlight implements Dispatcher.DispatchHandler {
  intendedMs = 0;
  sentMs = 0;
  status = 0;
  settled = true;

  constructor(
    readonly client: Client,
    private readonly finish: (slot: InFlight, failure: unknown) => void,
    private readonly written: (slot: InFlight) => void,
  ) {}

  onRequestStart(): void {
    this.written(this);
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(): void {
    // Read to the end and dropped.
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.finish(this, null);
  }

  onResponseError(_c: Dispatcher.DispatchController, error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.finish(this, error);
  }
}

/**
 * The idle connections, taken in the order they became idle (a ring). Taking the
 * longest-idle one spreads requests over every connection, as many independent users
 * would, rather than piling them on the few most recently used: the topologies
 * balance connections, not requests, so a generator that concentrated its requests on
 * a couple of connections would measure its own choice of worker, not theirs.
 */
class FreeConnections {
  readonly #ring: (InFlight | undefined)[];
  #head = 0;
  size = 0;

  constructor(capacity: number) {
    this.#ring = new Array<InFlight | undefined>(capacity);
  }

  put(slot: InFlight): void {
    this.#ring[(this.#head + this.size) % this.#ring.length] = slot;
    this.size++;
  }

  take(): InFlight | undefined {
    if (this.size === 0) return undefined;
    const slot = this.#ring[this.#head];
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#ring.length;
    this.size--;
    return slot;
  }
}

/** Sends one GET `path` on every connection, all at once, and waits for the answers (errors ignored: the step will count its own). */
async function preconnect(slots: readonly InFlight[], path: string, timeoutMs: number): Promise<void> {
  await Promise.all(slots.map(async (s) => {
    try {
      const res = await s.client.request({ method: 'GET', path, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      await res.body.dump();
    } catch {
      // Counted by the step, if the server really is down.
    }
  }));
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
  const scheduled = Math.max(1, Math.floor((options.rate * options.durationMs) / 1000));
  const path = `${url.pathname}${url.search}`;
  const dispatchOptions: Dispatcher.DispatchOptions = { method: 'GET', path, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };

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

  let startMs = 0;
  const now = (): number => performance.now() - startMs;
  const intended = (i: number): number => i * intervalMs;

  const free = new FreeConnections(options.connections);
  const slots: InFlight[] = [];
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const send = (slot: InFlight, i: number): void => {
    slot.intendedMs = intended(i);
    slot.sentMs = -1;
    slot.status = 0;
    slot.settled = false;
    sent++;
    try {
      slot.client.dispatch(dispatchOptions, slot);
    } catch (error) {
      slot.settled = true;
      finish(slot, error);
    }
  };

  const written = (slot: InFlight): void => {
    slot.sentMs = now();
  };

  /**
   * Sends what is due while a connection is free. A request that was found due with
   * every connection busy counts as having waited for one; for the others, how late
   * the send is measures the generator's own lag on its schedule.
   */
  const pump = (): void => {
    if (ended) return;
    const t = now();
    while (next < scheduled && intended(next) <= t) {
      const slot = free.take();
      if (slot === undefined) {
        blockedUpTo = Math.min(scheduled, Math.floor(t / intervalMs) + 1);
        return;
      }
      const i = next++;
      if (i < blockedUpTo) queuedForConnection++;
      else lag.record(t - intended(i));
      send(slot, i);
    }
  };

  function finish(slot: InFlight, failure: unknown): void {
    if (ended) return;
    const t = now();
    finished++;
    if (failure === null) {
      responses++;
      const outcome = classifyStatus(slot.status);
      if (outcome === 'ok') ok++;
      else non2xx++;
      corrected.record(t - slot.intendedMs);
      uncorrected.record(t - (slot.sentMs < 0 ? slot.intendedMs : slot.sentMs));
      lastCompletionMs = t;
    } else if (classifyError(failure) === 'timeout') timeout++;
    else socket++;
    free.put(slot);
    if (finished === scheduled) {
      resolveDone();
      return;
    }
    // A failure is reported from inside undici's error path: send the next one a turn later.
    if (failure === null) {
      pump();
      arm();
    } else {
      queueMicrotask(() => {
        pump();
        arm();
      });
    }
  }

  for (let c = 0; c < options.connections; c++) {
    const client = new Client(url.origin, { pipelining: 1, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: timeoutMs });
    const slot = new InFlight(client, finish, written);
    slots.push(slot);
    free.put(slot);
  }

  if (options.warmPath !== undefined) await preconnect(slots, options.warmPath, timeoutMs);

  let timer: NodeJS.Timeout | undefined;
  /**
   * Wakes the scheduler at the next due time. While requests wait for a connection
   * nothing is armed: the connection that frees up sends them (finish), then re-arms.
   */
  function arm(): void {
    if (ended || timer !== undefined || next >= scheduled) return;
    const wait = intended(next) - now();
    if (wait <= 0 && free.size === 0) return;
    // Rounded up: one wake-up per due time (an early wake-up would only re-arm a 1 ms timer,
    // doubling the wake-ups that dominate the generator's CPU at low rates), at most ~1 ms late.
    timer = setTimeout(tick, wait > 1 ? Math.ceil(wait) : 1);
  }
  function tick(): void {
    timer = undefined;
    if (ended) return;
    pump();
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
    const endedAt = now();
    if (timer) clearTimeout(timer);
    clearTimeout(deadlineTimer);
    if (progress) clearInterval(progress);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    const pending = finished < scheduled;
    // Cut off at the deadline: the step lasted until then.
    if (pending) lastCompletionMs = Math.max(lastCompletionMs, endedAt);
    await Promise.all(slots.map((s) => (pending ? s.client.destroy() : s.client.close())));
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
