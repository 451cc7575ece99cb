/**
 * The JSON summary k6/bench.ts writes (results/k6-<testid>.json): the native RunResult's
 * headline fields, and only those (k6 sees neither X-Worker counts nor connections).
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
}
