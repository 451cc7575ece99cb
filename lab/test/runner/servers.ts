/**
 * Local node:http servers with known behaviour for the runner's tests: they count
 * requests, connections, sockets open at once and requests in flight at once, and
 * close everything (sockets and pending timers) when the test ends.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RequestInfo {
  /** 0-based index of the request in arrival order, over the whole server. */
  index: number;
  /** 0-based index of the connection it came on, in accept order. */
  connection: number;
  /** Requests seen on that connection before this one. */
  onConnection: number;
  /** setTimeout that is cleared when the server closes. */
  later(ms: number, fn: () => void): void;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, info: RequestInfo) => void;

export interface ServerCounts {
  requests: number;
  connections: number;
  open: number;
  maxOpen: number;
  inFlight: number;
  maxInFlight: number;
}

export interface TestServer {
  /** Origin, e.g. http://127.0.0.1:40123 */
  origin: string;
  url(path?: string): string;
  readonly counts: ServerCounts;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const counts: ServerCounts = { requests: 0, connections: 0, open: 0, maxOpen: 0, inFlight: 0, maxInFlight: 0 };
  const connectionIndex = new WeakMap<Socket, { index: number; requests: number }>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const server = createServer((req, res) => {
    const conn = connectionIndex.get(req.socket) ?? { index: -1, requests: 0 };
    const info: RequestInfo = { index: counts.requests++, connection: conn.index, onConnection: conn.requests++, later };
    counts.inFlight++;
    counts.maxInFlight = Math.max(counts.maxInFlight, counts.inFlight);
    res.once('close', () => counts.inFlight--);
    handler(req, res, info);
  });
  server.on('connection', (socket: Socket) => {
    connectionIndex.set(socket, { index: counts.connections++, requests: 0 });
    counts.open++;
    counts.maxOpen = Math.max(counts.maxOpen, counts.open);
    socket.once('close', () => counts.open--);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  let closed: Promise<void> | undefined;
  return {
    origin,
    url: (path = '/') => `${origin}${path}`,
    counts,
    close() {
      closed ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        const done = once(server, 'close');
        server.close();
        server.closeAllConnections();
        await done;
      })();
      return closed;
    },
  };
}

/** A port nothing listens on (a server was there a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Waits until check() holds (polling), failing with `what` after timeoutMs. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
