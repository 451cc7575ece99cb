/**
 * Between two steps the server may still be working through requests the last step
 * abandoned at its deadline: wait until it answers a cheap request promptly again,
 * so one step's backlog does not count against the next.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

/** Waits until GET `url` answers within `promptMs`, polling, at most `timeoutMs`; returns whether it did. */
export async function settle(url: string, promptMs = 50, timeoutMs = 15_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const started = performance.now();
    try {
      const res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, reset: true });
      await res.body.dump();
      if (performance.now() - started < promptMs) return true;
    } catch {
      // Not answering yet.
    }
    await sleep(100);
  }
  return false;
}
