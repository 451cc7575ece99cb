/**
 * The one connection/request core every load shape of the lab runs on: it owns the
 * connections, sends a request on a connection it is told to use, times it and reports
 * how it ended. It decides nothing about WHEN or on WHICH connection: the load shapes
 * are schedulers over it (autocannon and k6 are built the same way):
 *
 *   - closed loop (run-load.ts): a connection sends its next request when the last one ended;
 *   - open model (open-model.ts): requests start on a fixed schedule on a free connection;
 *   - resilience round (resilience/round-load.ts): a closed loop that pauses after a failure
 *     and can be stopped or extended.
 *
 * One Exchange per connection is reused for every request on it (pipelining 1: at most
 * one request is in flight on a connection), so a request allocates nothing of ours.
 *
 * A failure is reported on a microtask, not from inside undici's error path (which
 * asserts its queue is empty afterwards) nor from inside send(): a scheduler may send
 * the next request from its callback whatever the outcome, without recursing.
 */
import type { Dispatcher } from 'undici';
import { LoadConnection, type RunClock } from './connection.js';

export interface LoadCoreOptions {
  /** http://host:port */
  origin: string;
  /** Path and query sent on every request. */
  path: string;
  /** Connections to open (each carries at most one request at a time). */
  connections: number;
  /** No complete answer after this long: a timeout (headers, body and connect). */
  timeoutMs: number;
  /** Keep connections alive (false: `connection: close`, a new socket per request). */
  keepAlive: boolean;
  /** Spread the connections over these addresses of the origin's host (connection i: addresses[i % n]), the Host header unchanged. */
  addresses?: readonly string[] | undefined;
  clock: RunClock;
  /**
   * Told once about every request sent, when it ended: error is null for a complete
   * response (any status; exchange.status says which), else what undici failed with.
   * The exchange's fields describe that request until the connection is sent on again.
   */
  onEnd: (exchange: Exchange, error: unknown) => void;
}

/** One connection's request slot: the request in flight on it, or the last one that ended. */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly connection: LoadConnection;
  /** The scheduler's own figure for the request in flight (the open model: its intended send time, ms). */
  mark = 0;
  /** When undici wrote the request on the socket, ms on the run's clock; -1 while not written. */
  writtenMs = -1;
  /** When it ended (body read, or failed), ms on the run's clock. */
  endedMs = 0;
  /** Status of the response; 0 until its headers came. */
  status = 0;
  /** The X-Worker header of the response, '?' without one. */
  worker = '?';
  /** The response was the first on a new socket. */
  firstOnSocket = false;
  /** Between send and its report. */
  inFlight = false;
  readonly #core: LoadCore;

  constructor(core: LoadCore, connection: LoadConnection) {
    this.#core = core;
    this.connection = connection;
  }

  /** undici is about to write the request on the socket. */
  onRequestStart(): void {
    this.writtenMs = this.#core.clock.sinceStart();
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    this.firstOnSocket = this.connection.responseStarted(this.#core.clock.sinceStart());
    const worker = headers['x-worker'];
    if (typeof worker === 'string') this.worker = worker;
    else if (Array.isArray(worker) && worker[0] !== undefined) this.worker = worker[0];
  }

  onResponseData(): void {
    // The body is read to its end and dropped: latency includes it, memory does not.
  }

  onResponseEnd(): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    this.endedMs = this.#core.clock.sinceStart();
    this.connection.requests++;
    this.#core.options.onEnd(this, null);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** Ends the request in flight without a complete response; reported on a microtask. */
  fail(error: unknown): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    this.endedMs = this.#core.clock.sinceStart();
    this.connection.requests++;
    queueMicrotask(() => this.#core.options.onEnd(this, error));
  }
}

/** The origin a connection opens: the service's, or the same scheme and port on one of its addresses. */
export function connectionOrigin(origin: string, address: string | undefined): string {
  if (address === undefined) return origin;
  const url = new URL(origin);
  url.hostname = address.includes(':') ? `[${address}]` : address;
  return url.origin;
}

export class LoadCore {
  readonly options: LoadCoreOptions;
  readonly clock: RunClock;
  readonly connections: readonly LoadConnection[];
  /** One per connection, in the same order. */
  readonly exchanges: readonly Exchange[];
  readonly #dispatch: Dispatcher.DispatchOptions;

  constructor(options: LoadCoreOptions) {
    if (!Number.isSafeInteger(options.connections) || options.connections < 1) {
      throw new RangeError(`connections: expected a positive integer, got ${String(options.connections)}`);
    }
    this.options = options;
    this.clock = options.clock;
    const addresses = options.addresses ?? [];
    this.connections = Array.from({ length: options.connections }, (_, i) => new LoadConnection(connectionOrigin(options.origin, addresses[i % Math.max(1, addresses.length)]), options.timeoutMs, options.clock));
    this.exchanges = this.connections.map((c) => new Exchange(this, c));
    this.#dispatch = {
      method: 'GET',
      path: options.path,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      // reset: true sends `connection: close` and opens a new socket for the next request.
      reset: !options.keepAlive,
      // Connections to an address still name the service: what a DNS round-robin client sends.
      ...(addresses.length > 0 ? { headers: { host: new URL(options.origin).host } } : {}),
    };
  }

  /** Sends one request on the exchange's connection, which must be free (its last request reported). */
  send(exchange: Exchange, mark = 0): void {
    if (exchange.inFlight) throw new Error('load core: a request is already in flight on this connection (pipelining is 1)');
    exchange.inFlight = true;
    exchange.mark = mark;
    exchange.writtenMs = -1;
    exchange.status = 0;
    exchange.worker = '?';
    exchange.firstOnSocket = false;
    try {
      exchange.connection.client.dispatch(this.#dispatch, exchange);
    } catch (error) {
      exchange.fail(error);
    }
  }

  /**
   * Sends one unmeasured GET `path` on every connection at once and waits for the
   * answers, so that a measured schedule does not pay for connection setup (errors
   * ignored: the measured requests count their own).
   */
  async preconnect(path: string): Promise<void> {
    const { timeoutMs } = this.options;
    await Promise.all(this.connections.map(async (c) => {
      try {
        const res = await c.client.request({ method: 'GET', path, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
        await res.body.dump();
      } catch {
        // Counted by the measured requests, if the server really is down.
      }
    }));
  }

  /** Closes every connection: gracefully (what is in flight ends first), or at once (destroy: what is in flight fails). */
  async close(how: 'graceful' | 'destroy'): Promise<void> {
    await Promise.all(this.connections.map((c) => (how === 'destroy' ? c.client.destroy() : c.client.close())));
  }
}
