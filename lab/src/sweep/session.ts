/**
 * One topology of `lab sweep`, started and warmed, as a runtime serves it
 * (core/runtime.ts, SweepCapability): where the steps' generator runs and what CPU it can read.
 */
import type { CpuByRole, CpuRole } from './cpu-roles.js';
import type { ClosedRun } from './probe.js';
import type { StepRunner } from './run-curve.js';

export interface SweepSession {
  workers: number;
  /** The measured URL as the generator reaches it (natively: this machine; Docker: the Compose network). */
  url: string;
  /** A cheap URL this process polls between steps until it answers promptly. */
  settleUrl: string;
  /** Runs a step where the runtime's generator runs (default: in this process against url). */
  runStep?: StepRunner;
  /** CPU accounting around a step run in this process. */
  measureCpu?: () => () => CpuByRole;
  /** The capacity probe's closed-loop run (default: in this process against url). */
  closedRun?: ClosedRun;
  /** Roles the runtime cannot read the CPU of for this topology. */
  cpuNotMeasured: CpuRole[];
  /** Stops what this sweep started for the topology (the next one must not share its cores). */
  stop(): Promise<void>;
}
