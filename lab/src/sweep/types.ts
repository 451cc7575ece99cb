/**
 * What `make sweep` stores (results/sweep.json) and reports: per topology, one
 * open-model step per offered rate, the curve's knee and its capacity at the objective,
 * and the CPU each process model spends per request.
 */
import type { CpuByRole, CpuRole } from './cpu-roles.js';
import type { MachineInfo, RuntimeName } from '../report-model.js';
import type { OpenStepResult } from '../runner/open-model.js';
import type { StepUnmeasured } from './k6-step.js';

export interface SweepStep extends OpenStepResult {
  meetsObjective: boolean;
  /** 2 when the first run of this rate missed the objective and it was run again (the second run is kept). */
  attempts: number;
  /** The first run's corrected p99 when the step was run again, ms. */
  firstAttemptP99Ms: number | null;
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
  /** Closed-loop throughput of the capacity probe, requests/s (null with RATES=). */
  probeRps: number | null;
  steps: SweepStep[];
  /** Offered rates not run because two lighter steps had already failed the objective. */
  skippedRates: number[];
  knee: number | null;
  capacityAtObjective: number | null;
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
  /** "RATES" when given, else "probe". */
  ratesFrom: 'RATES' | 'probe';
  topologies: SweepTopology[];
  warnings: string[];
}
