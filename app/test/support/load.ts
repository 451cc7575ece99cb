/**
 * A keep-alive load generator on undici: `connections` clients with one request
 * at a time each, drawing from a shared budget until it is spent or `until` says
 * stop. Used by the tests and by the instrumentation benchmark.
 */
import { performance } from 'node:perf_hooks';
import { Client } from 'undici';

/** A request that takes longer counts as failed instead of stalling the run. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface LoadOptions {
  readonly origin: string;
  readonly path: string;
  readonly connections: number;
  /** Requests to send in all. */
  readonly requests: number;
  /** Keep going past `requests` while this returns true (bounded by maxRequests). */
  readonly until?: () => boolean;
  readonly maxRequests?: number;
}

export interface LoadResult {
  readonly completed: number;
  readonly failed: number;
  readonly nonOk: number;
  readonly errors: readonly string[];
  readonly requestsByWorkerPid: ReadonlyMap<string, number>;
  readonly durationMs: number;
  readonly requestsPerSecond: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const maxRequests = options.maxRequests ?? options.requests;
  let issued = 0;
  let completed = 0;
  let failed = 0;
  let nonOk = 0;
  const errors: string[] = [];
  const requestsByWorkerPid = new Map<string, number>();
  const takeTicket = (): boolean => {
    const wanted = issued < options.requests || (options.until?.() === true && issued < maxRequests);
    if (wanted) issued++;
    return wanted;
  };

  const clients = Array.from({ length: options.connections }, () => new Client(options.origin, { pipelining: 1, headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS }));
  const startedAt = performance.now();
  try {
    await Promise.all(
      clients.map(async (client) => {
        while (takeTicket()) {
          try {
            const { statusCode, headers, body } = await client.request({ path: options.path, method: 'GET' });
            await body.text();
            completed++;
            if (statusCode !== 200) nonOk++;
            const pid = headers['x-worker-pid'];
            if (typeof pid === 'string') requestsByWorkerPid.set(pid, (requestsByWorkerPid.get(pid) ?? 0) + 1);
          } catch (error) {
            failed++;
            if (errors.length < 20) errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
          }
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.destroy()));
  }
  const durationMs = performance.now() - startedAt;
  return { completed, failed, nonOk, errors, requestsByWorkerPid, durationMs, requestsPerSecond: (completed / durationMs) * 1000 };
}
