/**
 * What `make sweep` stores (results/sweep.json) and reports: per topology, one
 * open-model step per offered rate the capacity search ran (with every run of it), the
 * curve's knee, the capacity at the objective as an interval (or a measurement fault),
 * and the CPU each process model spends per request.
 */
import type { CpuByRole, CpuRole } from '../sweep/cpu-roles.js';
import type { MachineInfo, RuntimeName } from './report-model.js';
import type { OpenStepResult } from '../runner/open-model.js';
import type { StepUnmeasured } from '../sweep/k6-step.js';
import type { SearchPurpose } from '../sweep/capacity-search.js';

/** One run of a rate, as the search saw it. */
/** A topology's capacity at the objective: the interval the search (sweep/capacity-search.ts) confirmed. */
export interface CapacityResult {
  /** The highest rate that met the objective, confirmed by a repeat; null: none did (the capacity is below `high`). */
  low: number | null;
  /** The lowest rate that missed it, confirmed by a repeat; null: none missed up to the highest rate run. */
  high: number | null;
  /** The bisection's stopping width, requests/s. */
  resolution: number;
  /** The closed-loop maximum the result was checked against (the highest probe), requests/s (null: not checked). */
  probeRps: number | null;
  /** Every closed-loop probe, in order (a second one when a confirmed pass contradicted the first). */
  probes: number[];
  /** Why this is a measurement fault, not a capacity (a confirmed pass above the probe); null: none. */
  fault: string | null;
  /**
   * The interval's upper end: `high`, or the closed-loop maximum where that is lower (no
   * server carries more open traffic than its closed-loop maximum, so a miss above it
   * says nothing about rates between it and the miss); null: no upper end.
   */
  upper: number | null;
}

export interface StepRun {
  /** 1 for the topology's first step, in the order they ran. */
  order: number;
  purpose: SearchPurpose;
  /** Corrected p99 of the answered requests, ms. */
  p99Ms: number;
  /** p99 over every scheduled request, unanswered ones late (what the objective is judged on); null: over 1 % unanswered. */
  objectiveP99Ms: number | null;
  meetsObjective: boolean;
}

/** One offered rate: the figures of its last run (which agrees with its verdict), and every run of it. */
export interface SweepStep extends OpenStepResult {
  /** The rate's verdict: what two of its runs agreed on, else its only run's. */
  meetsObjective: boolean;
  /** The kept run's p99 over every scheduled request (see StepRun). */
  objectiveP99Ms: number | null;
  /** Every run of this rate, in order (two or three when a verdict was confirmed). */
  runs: StepRun[];
  /** CPU seconds the topology's processes spent during the step, by role (null: not measured; Docker: the workers only). */
  cpu: CpuByRole | null;
  /** Figures the generator cannot measure (k6: the corrected latency, its lag, its CPU); absent: the lab's runner measured all. */
  unmeasured?: StepUnmeasured[];
}

export interface SweepTopology {
  mode: string;
  title: string;
  workers: number;
  available: boolean;
  /** Why it did not run (one line), when not available. */
  reason?: string;
  /** Closed-loop throughput of the capacity probe, requests/s (null when the topology did not run). */
  probeRps: number | null;
  /** One per offered rate run, ascending. */
  steps: SweepStep[];
  /** Ladder rates not run: above the first confirmed miss. */
  skippedRates: number[];
  knee: number | null;
  /** The capacity at the objective as an interval, or a measurement fault (null when the topology did not run). */
  capacity: CapacityResult | null;
  /** CPU milliseconds per 2xx response over the steps at or below the knee, by role and in total. */
  cpuPerRequestMs: (CpuByRole & { total: number }) | null;
  /** Roles this topology has whose CPU the runtime cannot read (Docker: primary, PM2 daemon, nginx); their figures are 0 in cpuPerRequestMs but reported "not measured". */
  cpuNotMeasured: CpuRole[];
  /** cpuPerRequestMs.total / single's. */
  cpuVsSingle: number | null;
  /** The load generator's CPU microseconds per request over the whole sweep. */
  generatorCpuPerRequestUs: number | null;
}

export interface SweepReport {
  created: string;
  runtime: RuntimeName;
  /** The load generator and where it ran. */
  generator: string;
  machine: MachineInfo;
  path: string;
  sloP99Ms: number;
  stepSeconds: number;
  connections: number;
  /** Where the bracket's ladder came from: "RATES" when given, else shares of the probe. */
  ratesFrom: 'RATES' | 'probe';
  topologies: SweepTopology[];
  /** Measurement faults: results the lab refuses to report as findings (a capacity above the probe), one line each. */
  faults: string[];
  warnings: string[];
}

/** The upper end is the closed-loop maximum, not a confirmed miss: the objective held up to saturation. */
export function capped(c: CapacityResult): boolean {
  return c.upper !== null && c.upper !== c.high;
}

/**
 * "560–600 req/s", "612 req/s, its closed-loop maximum" (the objective held up to
 * saturation), "below 87 req/s", "at least 300 req/s", or the fault: the capacity as one
 * phrase (null: a fault, which has no capacity).
 */
export function capacityText(c: CapacityResult): string | null {
  if (c.fault !== null) return null;
  if (c.low !== null && c.upper !== null) {
    const range = fmtRate(c.upper) === fmtRate(c.low) ? fmtRate(c.low) : `${fmtRate(c.low)}–${fmtRate(c.upper)}`;
    return capped(c) ? `${range} req/s, up to its closed-loop maximum` : `${range} req/s`;
  }
  if (c.upper !== null) return `below ${fmtRate(c.upper)} req/s`;
  if (c.low !== null) return `at least ${fmtRate(c.low)} req/s`;
  return null;
}

/** Whole requests/s from 100 up, one decimal below. */
export function fmtRate(n: number): string {
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}
