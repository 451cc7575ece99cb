/**
 * Warm-up: requests sent before measuring (JIT, connection pools, the server's own
 * caches), whose results are thrown away.
 */
import { runLoad } from './run-load.js';

export interface WarmUpOptions {
  keepAlive?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Spread the connections over these addresses of the URL's host (RunOptions.addresses). */
  addresses?: readonly string[];
}

/** Sends `requests` requests to `url` over `concurrency` connections and discards the results. Does nothing for 0. */
export async function warmUp(url: string, requests: number, concurrency: number, options: WarmUpOptions = {}): Promise<void> {
  if (requests === 0) return;
  await runLoad({ url, requests, concurrency: Math.min(concurrency, requests), ...options });
}
