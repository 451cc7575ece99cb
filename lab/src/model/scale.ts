/** What `make scale` stores (results/scale.json) and reports. */
import type { MachineInfo, RuntimeName, Scenario } from './report-model.js';
import type { Estimate } from './interval.js';
import type { UslIntervals } from '../scale/bootstrap.js';
import type { UslFit } from '../scale/usl.js';

/** One closed-loop run at one worker count, as measured. */
export interface ScaleRepetition {
  /** Its place among its size's repetitions (1, 2, …). */
  round: number;
  rps: number;
  p99Ms: number;
  errors: number;
  /** CPU milliseconds per request of the topology's processes (all roles); null when nothing completed. */
  cpuPerRequestMs: number | null;
}

export interface ScaleRun {
  workers: number;
  /** More workers than os.availableParallelism(): reported, never fitted (they measure oversubscription, not the app). */
  oversubscribed: boolean;
  /** Mean throughput over the repetitions, requests/s (throughput.value; what the chart and the fit read). */
  rps: number;
  /** Every repetition's throughput, in the order measured. */
  runs: number[];
  /** Mean throughput with its 95% interval. */
  throughput: Estimate;
  /** Throughput over 1 worker's, with the delta-method interval; null at 1 worker (the reference). */
  speedup: Estimate | null;
  /** Mean of the repetitions' p99 latencies, ms. */
  p99Ms: Estimate;
  /** Mean CPU ms per request over the repetitions that measured it; null when none did. */
  cpuPerRequestMs: Estimate | null;
  /** Failed requests over every repetition. */
  errors: number;
  repetitions: ScaleRepetition[];
}

export interface ScaleReport {
  created: string;
  runtime: RuntimeName;
  machine: MachineInfo;
  mode: string;
  title: string;
  scenario: Scenario;
  /** The fewest repetitions any worker count got. */
  repeat: number;
  /** How the repetitions were chosen and why they stopped, one phrase. */
  repetitions: string;
  /** The cores this process may use (os.availableParallelism()): sizes above it are oversubscribed. */
  cores: number;
  points: ScaleRun[];
  /** The point fit over the in-core sizes' mean throughputs; null when it cannot be fitted (see cannotFit). */
  fit: UslFit | null;
  /** σ, κ, λ and the peak with their bootstrap intervals; null with fit. */
  intervals: UslIntervals | null;
  /** Why there is no fit, one line; null when there is one. */
  cannotFit: string | null;
  /** How every interval in the report was computed. */
  intervalMethod: string;
  warnings: string[];
}

export function uslThroughput(n: number, lambda: number, sigma: number, kappa: number): number {
  return (lambda * n) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}
