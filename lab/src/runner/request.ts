/**
 * The undici dispatch handler of one request: times it from the moment undici writes
 * it on the connection (onRequestStart, once the socket is up) to the end of its body
 * (read and discarded), notes its status and X-Worker header, and reports its outcome
 * exactly once.
 *
 * Timing from the write rather than from dispatch keeps the generator's own queueing
 * (undici waits one event-loop turn before reusing a keep-alive socket) and TCP
 * connection setup out of the latency; setup time is reported per connection.
 */
import type { Dispatcher } from 'undici';
import type { LoadConnection, RunClock } from './connection.js';
import { classifyError, classifyStatus } from './outcome.js';
import type { RunRecorder } from './recorder.js';

/** What a request reports to: the run's clock, recorder, and who to tell when it is done. */
export interface RequestContext {
  readonly clock: RunClock;
  readonly recorder: RunRecorder;
  /** Called once per request after it was recorded; the connection is free again. */
  requestDone(connection: LoadConnection, failed: boolean): void;
}

export class RequestHandler implements Dispatcher.DispatchHandler {
  readonly #context: RequestContext;
  readonly #connection: LoadConnection;
  #sentMs = 0;
  #status = 0;
  #worker = '?';
  #firstOnSocket = false;
  #settled = false;

  constructor(context: RequestContext, connection: LoadConnection) {
    this.#context = context;
    this.#connection = connection;
  }

  /** undici is about to write the request on the socket. */
  onRequestStart(): void {
    this.#sentMs = this.#context.clock.sinceStart();
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.#status = statusCode;
    this.#firstOnSocket = this.#connection.responseStarted(this.#context.clock.sinceStart());
    const worker = headers['x-worker'];
    if (typeof worker === 'string') this.#worker = worker;
    else if (Array.isArray(worker) && worker[0] !== undefined) this.#worker = worker[0];
  }

  onResponseData(): void {
    // The body is read to its end and dropped: latency includes it, memory does not.
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    this.#settled = true;
    const now = this.#context.clock.sinceStart();
    this.#context.recorder.response(classifyStatus(this.#status), now, now - this.#sentMs, this.#worker, this.#firstOnSocket);
    this.#done(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** Ends the request without a complete response (also used when dispatch throws). */
  fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#context.recorder.failure(classifyError(error), this.#context.clock.sinceStart());
    this.#done(true);
  }

  #done(failed: boolean): void {
    this.#connection.requests++;
    this.#context.requestDone(this.#connection, failed);
  }
}
