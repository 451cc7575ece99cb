import type { Interference } from '../noise/interference.js';
import type { Estimate } from './interval.js';
import type { Drift, WarmUpReport } from '../steady/steady-state.js';

export type { Drift, Estimate, Interference, WarmUpReport };

/**
 * The shapes of what the lab measures: one load run, and the comparison of every
 * topology. The runner fills RunResult, the orchestrator fills CompareReport, the
 * terminal and HTML reports read them, and results/*.json hold them as written here.
 */

export interface Scenario {
  /** Path requested on every topology, e.g. /heavy. */
  path: string;
  /** Total requests, drawn from one shared pool by all connections. */
  requests: number;
  /** Concurrent keep-alive connections. */
  concurrency: number;
  keepAlive: boolean;
  /** A request that has not answered after this long counts as a timeout. */
  timeoutMs: number;
  /** Requests per serving process in one warm-up window (0: no warm-up); k6 warms with this many. */
  warmupRequests: number;
  /** Requests each serving process must have served before its warm-up can end (WARMUP_MIN). */
  steadyMinRequests: number;
}

export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface RunErrors {
  /** Responses that arrived with a status outside 2xx. */
  non2xx: number;
  /** Connection refused/reset, parse errors and the like. */
  socket: number;
  /** No response within scenario.timeoutMs. */
  timeout: number;
  total: number;
}

/** One keep-alive connection of a run (latency anatomy). */
export interface ConnectionStats {
  /** Time from the run's start until the connection was established, ms (-1: never connected). */
  connectMs: number;
  /** Time from the run's start until its first response, ms (null: never answered). */
  firstResponseMs: number | null;
  /** Requests it carried to completion (success or error). */
  requests: number;
  /** TCP connections it opened: 1 with keep-alive unless the server or an error closed it. */
  sockets?: number;
}

/**
 * Figures of a run its load generator cannot measure (k6 sees neither its connections nor
 * its own CPU): the report says "not measured by <generator>", never shows a zero.
 */
export type Unmeasured = 'connections' | 'timeline' | 'percentileCurve' | 'generatorCpu';

export interface RunResult {
  /** The load generator that made the run; absent: the lab's runner, which measures everything. */
  generator?: string;
  /** What that generator cannot measure; those fields then hold empty values, never read as figures. */
  unmeasured?: Unmeasured[];
  target: string;
  requests: number;
  concurrency: number;
  /** Whether connections were kept alive (false: one connection per request). */
  keepAlive?: boolean;
  /** Per-request timeout the run used, ms. */
  timeoutMs?: number;
  completed: number;
  errors: RunErrors;
  /** First request sent to last response received, monotonic clock, ms. */
  totalTimeMs: number;
  rps: number;
  latencyMs: LatencySummary;
  /** Latency at percentiles 0..100 (a curve for charts): [percentile, ms][]. */
  percentileCurve: [number, number][];
  /** Requests answered by each worker, from the X-Worker header ("?" when absent). */
  perWorker: Record<string, number>;
  /** CPU seconds (user + system) the load generator used during the run. */
  runnerCpuSeconds: number;
  connections: ConnectionStats[];
  fairness: {
    /** Jain's index over requests per connection: 1 is perfectly fair, 1/n is one connection got everything. */
    jain: number;
    /** Busiest connection's requests over the median connection's. */
    maxOverMedian: number;
  };
  /** First request on each connection against the ones after it. */
  firstVsLater: {
    first: { count: number; p50: number; p99: number };
    later: { count: number; p50: number; p99: number };
  };
  /** [completion time since start ms, latency ms] for each request (latency over time view). */
  timeline: [number, number][];
}

export interface MachineInfo {
  cores: number;
  /** os.availableParallelism(): the cores this process may use. */
  availableParallelism: number;
  cpuModel: string;
  memoryGiB: number;
  nodeVersion: string;
  /** Node that runs the app (NODE=), may differ from the lab's. */
  appNodeVersion: string;
  platform: string;
  loadAverageAtStart: [number, number, number];
  /**
   * Cores every process of the machine used in the second before the first run
   * (/proc/stat), the lab's own idle topologies included; null where it could not be read.
   * What the noise warning reads: the load average still holds a previous run.
   */
  busyCoresAtStart?: number | null;
  /** CPUs each app container may use (Docker's CPU limit), or null when the app shares the host's cores (native). */
  cpuLimit: number | null;
  /** What generated the load and where it ran, one phrase. */
  generator: string;
  /** Where the topologies ran when not on this machine, and what of it was not measured (Kubernetes: the context, or a kubectl transcript replay). */
  ranOn?: string;
}

export interface PerWorker {
  /** The worker's stable index (X-Worker); a string only for a label that is not an index. */
  worker: number | string;
  requests: number;
  /** From the worker's process_cpu_seconds_total, after minus before the run (median run). */
  cpuSeconds: number;
  /** Server-side mean time in the handler, from the worker's own histogram, ms. */
  serverMeanMs?: number;
}

export interface ModeReport {
  mode: string;
  title: string;
  strategy: string;
  available: boolean;
  /** Why the mode could not run (null when it ran). */
  reason: string | null;
  workers: number;
  /** Cores the app could use: min(workers, cores available). */
  coresUsable: number;
  rps: { median: number; min: number; max: number };
  /** Median requests/s over single's median requests/s. */
  speedup: number;
  /** speedup / coresUsable. */
  efficiency: number;
  /**
   * The machine's limit for this mode's speedup once the load generator's CPU is
   * taken out: min(coresUsable, cores available − the generator's cores during the
   * median run). On a machine with no spare core it is below coresUsable.
   */
  ceiling?: number;
  latencyMs: LatencySummary;
  completed: number;
  errors: number;
  perWorker: PerWorker[];
  /** Load generator CPU seconds per run (median). */
  runnerCpuSeconds: number;
  /** The median run's full result (anatomy, curves). */
  medianRun?: RunResult;
  /** Every repetition's requests/s, in the order run. */
  runsRps: number[];
  /** One sentence built from the figures: what dominated the tail. */
  explanation?: string;
  /** How many of the repetitions the tail verdict above held in (the same dominant effect). */
  verdictHeld?: { held: number; of: number };
  /** Each figure's 95% interval over the repetitions (CompareReport.intervalMethod says which interval). */
  intervals?: ModeIntervals;
  /** Every repetition, the excluded ones included. */
  repetitions?: RepetitionRecord[];
  /** The steady-state warm-up before the first repetition (null: WARMUP 0, none). */
  warmUp?: WarmUpReport | null;
  /** Why the repetitions stopped: "±2.1% after 4 repetitions (target ±3%)". */
  stopped?: string;
}

export interface ModeIntervals {
  /** Mean requests/s. */
  rps: Estimate;
  /** Ratio of mean requests/s over single's (absent for single, or without single). */
  speedup?: Estimate;
  /** speedup / coresUsable. */
  efficiency?: Estimate;
  p50: Estimate;
  p99: Estimate;
  /** The app's CPU milliseconds per completed request, every serving process summed. */
  cpuPerRequestMs: Estimate;
}

/** One measured repetition as the report keeps it. */
export interface RepetitionRecord {
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequestMs: number | null;
  /** CPU the machine spent outside the lab during it (null: /proc could not be read). */
  interference: Interference | null;
  /** Processes whose CPU per request moved beyond the warm-up's tolerance. */
  drift: Drift[];
  /** Left out of the figures: disturbed, and repeated once. */
  excluded: boolean;
}

/** The runtimes the lab runs topologies with, declared once. */
export type RuntimeName = 'native' | 'docker' | 'swarm' | 'kubernetes';

/** Bumped when a report's shape changes: 2 added schemaVersion, the runtime's facts (cpuLimit, generator) and one casing (camelCase); 3 the intervals, repetitions, warm-up, statements and faults. */
export const SCHEMA_VERSION = 3;

export interface CompareReport {
  schemaVersion: typeof SCHEMA_VERSION;
  created: string;
  runtime: RuntimeName;
  scenario: Scenario;
  repeat: number;
  machine: MachineInfo;
  modes: ModeReport[];
  warnings: string[];
  /** Which interval every figure carries (stats/interval.ts). */
  intervalMethod?: string;
  /** Comparisons the intervals allow: "cluster-none and pm2 cannot be told apart on this machine (±4%)". */
  statements?: string[];
  /** Figures that break a physical limit: a bug of the measurement, never a finding. */
  faults?: string[];
}

/** "outside the lab 0.34 cores, steal 0.00" for a line or a table cell. */
export function formatInterference(i: Interference): string {
  return `outside the lab ${i.outsideCores.toFixed(2)} cores${i.stealCores > 0 ? `, steal ${i.stealCores.toFixed(2)}` : ''}`;
}
