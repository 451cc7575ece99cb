/**
 * The quick capacity probe a default sweep starts from: a short closed-loop run (the
 * existing runner) with enough connections to keep every worker busy. Its throughput
 * is where the default rates centre; it takes about two seconds.
 */
import { runLoad } from '../runner/run-load.js';

export const PROBE_SECONDS = 2;

/** Closed-loop requests/s of `url` at `concurrency` connections, sized to last about PROBE_SECONDS. */
export async function probeCapacity(url: string, concurrency: number, timeoutMs: number): Promise<number> {
  const first = await runLoad({ url, requests: Math.max(50, concurrency * 4), concurrency, timeoutMs });
  const requests = Math.min(50_000, Math.max(100, Math.round(first.rps * PROBE_SECONDS)));
  const second = await runLoad({ url, requests, concurrency, timeoutMs });
  if (second.errors.total > second.completed / 10) throw new Error(`the capacity probe of ${url} failed: ${second.errors.total} of ${second.completed} requests were errors`);
  return second.rps;
}
