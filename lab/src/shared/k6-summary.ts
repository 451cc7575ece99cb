/**
 * The JSON summary k6/bench.ts writes (results/k6-<testid>.json): the native RunResult's
 * headline fields, the requests each worker answered (X-Worker) and the first request on a
 * VU, which is its connection, against later ones. k6 sees neither the connections' shares
 * nor its own CPU: the lab reports those as not measured by k6.
 * Shared by the lab and k6 (lab/src/shared/ is mounted into the k6 container whole).
 */
export interface K6RunSummary {
  tool: 'k6';
  testid: string;
  mode: string;
  target: string;
  requests: number;
  concurrency: number;
  keepAlive: boolean;
  timeoutMs: number;
  completed: number;
  errors: { non2xx: number; socket: number; timeout: number; total: number };
  /** First request sent to last response received, ms. */
  totalTimeMs: number;
  rps: number;
  latencyMs: { mean: number; p50: number; p90: number; p95: number; p99: number; max: number };
  /** Requests answered by each worker, from the X-Worker header. */
  perWorker: Record<string, number>;
  /** The first request on each VU (one VU, one keep-alive connection) against the later ones, ms. */
  firstVsLater: {
    first: { count: number; p50: number; p99: number };
    later: { count: number; p50: number; p99: number };
  };
}
