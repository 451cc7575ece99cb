/**
 * What `make sweep` stores (results/sweep.json) and reports: per topology, one
 * open-model step per offered rate the capacity search ran (with every run of it), the
 * curve's knee, the capacity at the objective as an interval (or a measurement fault),
 * and the CPU each process model spends per request.
 */
import type { CpuByRole, CpuRole } from './cpu-roles.js';
import type { MachineInfo, RuntimeName } from '../report-model.js';
import type { OpenStepResult } from '../runner/open-model.js';
import type { StepUnmeasured } from './k6-step.js';
import type { CapacityResult, SearchPurpose } from './capacity-search.js';

/** One run of a rate, as the search saw it. */
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
