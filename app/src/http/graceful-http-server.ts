/**
 * The application's HTTP server with connection tracking and a graceful drain.
 *
 * Draining stops accepting connections, answers every remaining request with
 * `Connection: close`, and closes an idle keep-alive connection only once it has
 * been quiet for DRAIN_IDLE_GRACE_MS and stayed quiet through one more poll of the
 * event loop. Node's own server.close() closes idle connections at once, which
 * resets a request that is already on its way over a reused connection; this
 * server does not, so a rolling restart under keep-alive load loses no request.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { listen, type ServerListenOptions } from './listen.js';

export interface GracefulHttpServerOptions {
  /** server.keepAliveTimeout; headersTimeout is set one second above it. */
  readonly keepAliveTimeoutMs: number;
}

export interface DrainOutcome {
  /** True when the deadline passed and the remaining connections were destroyed. */
  readonly forced: boolean;
  readonly durationMs: number;
  /** Idle keep-alive connections closed by the drain. */
  readonly idleClosed: number;
  /** Connections destroyed at the deadline (requests still running on them fail). */
  readonly destroyed: number;
}

/** How long a keep-alive connection must have been idle before a drain closes it. */
export const DRAIN_IDLE_GRACE_MS = 500;
const DRAIN_SWEEP_INTERVAL_MS = 50;
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
  drain(timeoutMs: number): Promise<DrainOutcome> {
    this.#drain ??= this.#runDrain(timeoutMs);
    return this.#drain;
  }

  #trackConnection(socket: Socket): void {
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

  #runDrain(timeoutMs: number): Promise<DrainOutcome> {
    const startedAt = performance.now();
    this.#draining = true;
    for (const response of this.#responses) {
      if (!response.headersSent) response.setHeader('Connection', 'close');
    }
    // Stop accepting without http.Server.close(), which would also close idle
    // keep-alive connections at once (Node 19+).
    NetServer.prototype.close.call(this.server);

    return new Promise<DrainOutcome>((resolve) => {
      let idleClosed = 0;
      let settled = false;
      const finish = (forced: boolean, destroyed: number): void => {
        if (settled) return;
        settled = true;
        clearInterval(sweep);
        clearTimeout(deadline);
        this.#onConnectionClosed = undefined;
        this.server.close();
        resolve({ forced, durationMs: performance.now() - startedAt, idleClosed, destroyed });
      };
      this.#onConnectionClosed = () => {
        if (this.#connections.size === 0) finish(false, 0);
      };
      // The first sweep runs from the timers phase, never from the callback that
      // started the drain, so the event loop polls once before anything is closed.
      const sweep = setInterval(() => {
        this.#closeQuietConnections(() => idleClosed++);
      }, DRAIN_SWEEP_INTERVAL_MS);
      const deadline = setTimeout(() => {
        const remaining = [...this.#connections.keys()];
        for (const socket of remaining) socket.destroy();
        finish(true, remaining.length);
      }, timeoutMs);
      if (this.#connections.size === 0) finish(false, 0);
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
