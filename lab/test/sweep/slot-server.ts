/**
 * Servers with a known queueing behaviour for the open-model tests, built on the
 * runner tests' counting server: each request is held `serviceMs` (a timer, so CPU
 * noise matters little) with at most `slots` in service at once, the rest waiting in
 * arrival order: a K-server queue with deterministic service, capacity slots/serviceMs.
 * `pause` makes the server stop answering for a while (a stall on purpose).
 */
import { startServer, type TestServer } from '../runner/servers.js';
import type { ServerResponse } from 'node:http';

export interface SlotServerOptions {
  serviceMs: number;
  slots: number;
}

export interface SlotServer extends TestServer {
  /** Holds every answer (in service or not) until `ms` from now. */
  pause(ms: number): void;
}

export async function startSlotServer(options: SlotServerOptions): Promise<SlotServer> {
  const waiting: ServerResponse[] = [];
  let inService = 0;
  let pausedUntil = 0;
  let later: ((ms: number, fn: () => void) => void) | undefined;
  const next = (): void => {
    if (later === undefined) return;
    const wait = pausedUntil - performance.now();
    while (inService < options.slots && waiting.length > 0) {
      const res = waiting.shift() as ServerResponse;
      inService++;
      later(Math.max(options.serviceMs, wait), () => {
        inService--;
        if (!res.destroyed) res.end('ok');
        next();
      });
    }
  };
  const server = await startServer((_req, res, info) => {
    later = info.later;
    waiting.push(res);
    next();
  });
  return {
    ...server,
    counts: server.counts,
    pause(ms: number) {
      pausedUntil = performance.now() + ms;
    },
  };
}
