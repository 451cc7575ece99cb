/**
 * Servers with a known queueing behaviour for the open-model and capacity tests, built
 * on the runner tests' counting server: each request is served for `serviceMs` with at
 * most `slots` in service at once, the rest waiting in arrival order: a K-server queue
 * with deterministic service, capacity exactly slots / serviceMs.
 *
 * Exactly, because the schedule is kept on the server's own clock: each slot is free
 * again at an ideal time (start + serviceMs), and an arrival starts at the later of now
 * and its slot's ideal free time. A timer that fires late (a busy 2-core machine) delays
 * that one answer, never the next service, so lateness does not pile up into a lower
 * capacity. `pause` makes the server stop serving for a while (a stall on purpose):
 * every request that arrives before it ends is answered no earlier than its end, and
 * only `slots` of them before anything queued behind. GET /ping is answered at once,
 * outside the slots: the cheap URL the sweep settles on and warms connections with.
 */
import { startServer, type TestServer } from '../runner/servers.js';

export interface SlotServerOptions {
  serviceMs: number;
  slots: number;
}

export interface SlotServer extends TestServer {
  /** Serves nothing new until `ms` from now: answers of requests arriving meanwhile are held until then. */
  pause(ms: number): void;
}

export async function startSlotServer(options: SlotServerOptions): Promise<SlotServer> {
  const freeAt = new Array<number>(options.slots).fill(0);
  let pausedUntil = 0;
  const server = await startServer((req, res, info) => {
    if (req.url === '/ping') {
      res.end('pong');
      return;
    }
    const now = performance.now();
    let slot = 0;
    for (let i = 1; i < freeAt.length; i++) if ((freeAt[i] ?? 0) < (freeAt[slot] ?? 0)) slot = i;
    const start = Math.max(now, freeAt[slot] ?? 0);
    const end = Math.max(start + options.serviceMs, pausedUntil);
    freeAt[slot] = end;
    info.later(end - now, () => {
      if (!res.destroyed) res.end('ok');
    });
  });
  return {
    ...server,
    counts: server.counts,
    pause(ms: number) {
      pausedUntil = performance.now() + ms;
    },
  };
}
