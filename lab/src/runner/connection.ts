/**
 * One load connection: an undici Client (a Client is exactly one TCP connection;
 * pipelining 1 keeps one request in flight on it) and what the anatomy report needs
 * about it — when it connected, when it first answered, how many requests it carried.
 */
import { buildConnector, Client } from 'undici';
import type { ConnectionStats } from '../model/report-model.js';
import { round } from '../model/numbers.js';

/** The run's monotonic clock: ms since the run started (performance.now based). */
export interface RunClock {
  sinceStart(): number;
}

export class LoadConnection {
  readonly client: Client;
  /** Requests that finished on it, success or error. */
  requests = 0;
  /** TCP connections opened (more than 1 after a reset, or with keep-alive off). */
  sockets = 0;
  #connectMs = -1;
  #firstResponseMs: number | null = null;
  /** True from a new socket's connect until the first response on it. */
  #fresh = false;

  constructor(origin: string, timeoutMs: number, clock: RunClock) {
    const connect = buildConnector({ timeout: timeoutMs });
    this.client = new Client(origin, {
      pipelining: 1,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connect: (options, callback) => {
        connect(options, (...args) => {
          if (args[0] === null) {
            this.sockets++;
            this.#fresh = true;
            if (this.#connectMs < 0) this.#connectMs = clock.sinceStart();
          }
          callback(...args);
        });
      },
    });
  }

  /**
   * Called when a response's headers arrive: tells whether it is the first response
   * on the current socket, and notes the connection's first response time.
   */
  responseStarted(atMs: number): boolean {
    if (this.#firstResponseMs === null) this.#firstResponseMs = atMs;
    const first = this.#fresh;
    this.#fresh = false;
    return first;
  }

  stats(): ConnectionStats {
    return {
      connectMs: this.#connectMs < 0 ? -1 : round(this.#connectMs, 3),
      firstResponseMs: this.#firstResponseMs === null ? null : round(this.#firstResponseMs, 3),
      requests: this.requests,
      sockets: this.sockets,
    };
  }
}
