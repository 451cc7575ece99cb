/**
 * What a runtime is to the lab: the one interface native and Docker implement.
 * compare, bench, up, down, ps and logs (core/commands.ts) are written once against
 * it; native/ and docker/ import from the core, never from each other.
 */
import type { MachineInfo, RunResult, RuntimeName, Scenario } from '../model/report-model.js';
import type { WorkerDelta, WorkerSnapshot } from '../runner/worker-metrics.js';
import type { LabOwnership } from '../noise/interference.js';
import type { WarmUpReport } from '../steady/steady-state.js';
import type { Mode } from '../topologies.js';
import type { Monitoring } from '../report/run-links.js';

export type { RuntimeName };

/** A topology that serves, as a runtime started (or found) it. */
export interface Target {
  mode: Mode;
  /** Serving processes: the X-Worker values a run should see. */
  workers: number;
  /** Where a person reaches it from this machine. */
  url: string;
}

/** One measured repetition of one topology. */
export interface Repetition {
  result: RunResult;
  /** Per-worker CPU and handler time over the run, from the workers' own metrics. */
  workers: WorkerDelta[];
}

export interface Runtime {
  readonly name: RuntimeName;
  /** WORKERS as this runtime runs the topologies (native: the option; Docker: as `up` sized the stack). */
  workers(): number;
  /** The machine and the runtime's own facts (its CPU limit, its load generator). */
  machine(): Promise<MachineInfo>;
  /** Why a mode cannot run with this runtime here (one line naming what enables it), or null. */
  unavailability(mode: Mode): Promise<string | null>;
  /** Makes the topology serve (or finds it serving) for this command. */
  start(mode: Mode): Promise<Target>;
  /** Sends `requests` requests of the scenario at its concurrency, results discarded (the steady-state warm-up's windows). */
  load(target: Target, requests: number, scenario: Scenario): Promise<void>;
  /** Every serving process's CPU and handled-request counters now, in a stable order (worker labels as measure() reports them). */
  readProcesses(target: Target): Promise<WorkerSnapshot[]>;
  /** What on this machine is the lab's own (the rest is interference). */
  ownership(): LabOwnership;
  /**
   * A capability: the whole steady-state warm-up run where the processes are, in one go
   * (Docker: one runner container on the Compose network, not one per window). Without
   * it, the commands drive the windows through load() and readProcesses().
   */
  warmToSteadyState?(target: Target, scenario: Scenario): Promise<WarmUpReport>;
  /** One run of the scenario with each worker's CPU read before and after. */
  measure(target: Target, scenario: Scenario): Promise<Repetition>;
  /** The Grafana and Prometheus that run now (null where none does), for the run's link. */
  monitoring(): Promise<Monitoring>;
  /** Stops what this command started (what `up` started stays). */
  close(): Promise<void>;
  up(modes: readonly Mode[] | undefined): Promise<void>;
  down(): Promise<void>;
  ps(): Promise<void>;
  logs(): Promise<void>;
}
