/**
 * The quick capacity probe a default sweep starts from: a short closed-loop run (the
 * existing runner) with enough connections to keep every worker busy. Its throughput
 * is where the default rates centre; it takes about two seconds.
 */
import { runLoad } from '../runner/run-load.js';

export const PROBE_SECONDS = 2;

/** One closed-loop run's figures the probe needs (Docker runs it in the runner container). */
export type ClosedRun = (requests: number, concurrency: number) => Promise<{ rps: number; completed: number; errors: { total: number } }>;

/** Closed-loop requests/s of `url` at `concurrency` connections, sized to last about PROBE_SECONDS. */
export async function probeCapacity(url: string, concurrency: number, timeoutMs: number, closed?: ClosedRun): Promise<number> {
  const run: ClosedRun = closed ?? ((requests, c) => runLoad({ url, requests, concurrency: c, timeoutMs }));
  const first = await run(Math.max(50, concurrency * 4), concurrency);
  const requests = Math.min(50_000, Math.max(100, Math.round(first.rps * PROBE_SECONDS)));
  const second = await run(requests, concurrency);
  if (second.errors.total > second.completed / 10) throw new Error(`the capacity probe of ${url} failed: ${second.errors.total} of ${second.completed} requests were errors`);
  return second.rps;
}
