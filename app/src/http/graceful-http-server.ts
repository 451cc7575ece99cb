/**
 * The application's HTTP server with connection tracking and a graceful drain.
 *
 * A drain, in order (each step says why it is there):
 * 1. Mark itself draining: /readyz answers 503 and every response from now on
 *    carries `Connection: close`, so load balancers and clients go elsewhere and
 *    no connection is kept for another request.
 * 2. Keep accepting until no connection is waiting (accept-until-empty.ts):
 *    closing a listener resets every connection still queued to it.
 * 3. Close the listener, without http.Server.close(), which would also close idle
 *    keep-alive connections at once.
 * 4. Serve what was accepted, and close an idle keep-alive connection only once it
 *    has been quiet for DRAIN_IDLE_GRACE_MS and stayed quiet through one more poll
 *    of the event loop, so a request already on its way over it is served rather
 *    than reset.
 * If the queue is still not empty shortly before the deadline (connections keep
 * arriving), the listener closes anyway and what is still queued is reset (in a
 * cluster: handed to another worker, if one is left); at the deadline whatever is
 * left is destroyed. The outcome says how many of each.
 *
 * When another process serves the same queue and stays (a rolling restart's
 * replacement is ready), step 2 is skipped: the queue is handed over, not emptied.
 * Under a load that never stops, the queue never empties, and a process waiting
 * for it would hold up the restart until its deadline.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { acceptUntilEmpty } from './accept-until-empty.js';
import { listen, type ServerListenOptions } from './listen.js';
import type { WaitingConnections } from './waiting-connections.js';

export interface GracefulHttpServerOptions {
  /** server.keepAliveTimeout; headersTimeout is set one second above it. */
  readonly keepAliveTimeoutMs: number;
}

export interface DrainOptions {
  readonly timeoutMs: number;
  /** Connections waiting to be accepted, from the kernel; undefined where unknown. */
  readonly waiting: WaitingConnections;
  /**
   * Another process serving the same queue takes what is waiting (a cluster
   * worker's replacement is ready): close the listener at once, do not empty it.
   */
  readonly handOverQueue?: boolean;
}

export interface DrainOutcome {
  /** True when the deadline passed and the remaining connections were destroyed. */
  readonly forced: boolean;
  readonly durationMs: number;
  /** Idle keep-alive connections closed by the drain. */
  readonly idleClosed: number;
  /** Connections destroyed at the deadline (requests still running on them fail). */
  readonly destroyed: number;
  /** Connections accepted from the queue after the drain began. */
  readonly acceptedWhileDraining: number;
  /**
   * Connections still waiting when the listener closed: 0 when the queue was
   * emptied, else the kernel's count (undefined where it cannot be asked).
   */
  readonly waitingAtClose: number | undefined;
  /** The queue was left to another process (DrainOptions.handOverQueue), not emptied. */
  readonly handedOver: boolean;
}

/** How long a keep-alive connection must have been idle before a drain closes it. */
export const DRAIN_IDLE_GRACE_MS = 500;
const DRAIN_SWEEP_INTERVAL_MS = 50;
/**
 * The part of the drain deadline kept for serving what was accepted: when
 * connections keep arriving faster than they are served (sustained overload),
 * the queue never empties, and the process stops accepting this long before its
 * deadline so the requests it took can still finish.
 */
const MAX_SERVE_RESERVE_MS = 2000;
/** Node's default request timeout, kept unless headersTimeout needs more. */
const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;

interface ConnectionState {
  activeRequests: number;
  /** performance.now() when the connection last became idle (or opened). */
  idleSince: number;
}

export class GracefulHttpServer {
  readonly server: Server;
  readonly #connections = new Map<Socket, ConnectionState>();
  readonly #responses = new Set<ServerResponse>();
  #draining = false;
  #acceptedConnections = 0;
  #drain: Promise<DrainOutcome> | undefined;
  #onConnectionClosed: (() => void) | undefined;

  constructor(options: GracefulHttpServerOptions) {
    const server = createServer();
    server.keepAliveTimeout = options.keepAliveTimeoutMs;
    server.headersTimeout = options.keepAliveTimeoutMs + 1000;
    server.requestTimeout = Math.max(DEFAULT_REQUEST_TIMEOUT_MS, server.headersTimeout + 1000);
    server.on('connection', (socket: Socket) => this.#trackConnection(socket));
    // Registered before the application's listener, so a draining server can still
    // mark the response before the application writes its headers.
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.#trackRequest(request, response));
    this.server = server;
  }

  /** Routes requests to the application. */
  handle(listener: RequestListener): void {
    this.server.on('request', listener);
  }

  get isDraining(): boolean {
    return this.#draining;
  }

  /** Connections accepted since the server started (only grows). */
  get acceptedConnections(): number {
    return this.#acceptedConnections;
  }

  get openConnections(): number {
    return this.#connections.size;
  }

  get requestsInFlight(): number {
    return this.#responses.size;
  }

  listen(options: ServerListenOptions): Promise<AddressInfo> {
    return listen(this.server, options);
  }

  /** Starts (or joins) the graceful drain; resolves once every connection is closed. */
  drain(options: DrainOptions): Promise<DrainOutcome> {
    this.#drain ??= this.#runDrain(options);
    return this.#drain;
  }

  #trackConnection(socket: Socket): void {
    this.#acceptedConnections++;
    this.#connections.set(socket, { activeRequests: 0, idleSince: performance.now() });
    socket.once('close', () => {
      this.#connections.delete(socket);
      this.#onConnectionClosed?.();
    });
  }

  #trackRequest(request: IncomingMessage, response: ServerResponse): void {
    const connection = this.#connections.get(request.socket);
    if (connection) connection.activeRequests++;
    this.#responses.add(response);
    if (this.#draining) response.setHeader('Connection', 'close');
    response.once('close', () => {
      this.#responses.delete(response);
      if (connection) {
        connection.activeRequests--;
        connection.idleSince = performance.now();
      }
    });
  }

  async #runDrain({ timeoutMs, waiting, handOverQueue = false }: DrainOptions): Promise<DrainOutcome> {
    const startedAt = performance.now();
    const deadlineAt = startedAt + timeoutMs;
    const acceptDeadlineAt = deadlineAt - Math.min(MAX_SERVE_RESERVE_MS, timeoutMs / 4);
    // Step 1: from this moment on, /readyz is 503 and every answer closes its connection.
    this.#draining = true;
    for (const response of this.#responses) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    let idleClosed = 0;
    // Step 4 runs from the start: a keep-alive connection that stays quiet is
    // closed while the queue is still being emptied. The first sweep runs from
    // the timers phase, never from the callback that started the drain, so the
    // event loop polls once before anything is closed.
    const sweep = setInterval(() => {
      this.#closeQuietConnections(() => idleClosed++);
    }, DRAIN_SWEEP_INTERVAL_MS);
    try {
      // Step 2: accept everything already waiting, so that closing resets nobody
      // (unless the queue is handed over: its other server takes it).
      const queue = !this.server.listening
        ? { emptied: true, waiting: 0, accepted: 0 }
        : handOverQueue
          ? { emptied: false, waiting: waiting(), accepted: 0 }
          : await acceptUntilEmpty({ accepted: () => this.#acceptedConnections, waiting, deadlineAt: acceptDeadlineAt });
      // Step 3: stop accepting; keep-alive connections stay open (see above).
      NetServer.prototype.close.call(this.server);
      // Step 4: serve what was accepted, until the last connection is gone.
      const destroyed = await this.#connectionsClosedBy(deadlineAt);
      this.server.close();
      return {
        forced: (!queue.emptied && !handOverQueue) || destroyed > 0,
        durationMs: performance.now() - startedAt,
        idleClosed,
        destroyed,
        acceptedWhileDraining: queue.accepted,
        waitingAtClose: queue.waiting,
        handedOver: handOverQueue,
      };
    } finally {
      clearInterval(sweep);
    }
  }

  /** Resolves with 0 once every connection has closed, or with the number destroyed at the deadline. */
  #connectionsClosedBy(deadlineAt: number): Promise<number> {
    return new Promise<number>((resolve) => {
      const finish = (destroyed: number): void => {
        clearTimeout(deadline);
        this.#onConnectionClosed = undefined;
        resolve(destroyed);
      };
      this.#onConnectionClosed = () => {
        if (this.#connections.size === 0) finish(0);
      };
      const deadline = setTimeout(() => {
        const remaining = [...this.#connections.keys()];
        for (const socket of remaining) socket.destroy();
        finish(remaining.length);
      }, Math.max(0, deadlineAt - performance.now()));
      if (this.#connections.size === 0) finish(0);
    });
  }

  /**
   * Picks connections idle for at least the grace period, then closes them on the
   * check phase: between the two the loop polls, and a request that had already
   * reached the socket is parsed and keeps its connection open.
   */
  #closeQuietConnections(onClosed: () => void): void {
    const now = performance.now();
    const quiet: [Socket, number][] = [];
    for (const [socket, state] of this.#connections) {
      if (state.activeRequests === 0 && now - state.idleSince >= DRAIN_IDLE_GRACE_MS) quiet.push([socket, state.idleSince]);
    }
    if (quiet.length === 0) return;
    setImmediate(() => {
      for (const [socket, idleSince] of quiet) {
        const state = this.#connections.get(socket);
        if (state && state.activeRequests === 0 && state.idleSince === idleSince) {
          socket.destroy();
          onClosed();
        }
      }
    });
  }
}
