/**
 * What a runtime is to the lab: the one interface native and Docker implement.
 * Every command (commands/) is written once against it; what only some runtimes run
 * (sweep, resilience, scale) is a capability a runtime declares, an optional member,
 * absent where it does not run it. native/ and docker/ import from the core, never
 * from each other, never from commands/.
 */
import type { MachineInfo, RunResult, RuntimeName, Scenario } from '../model/report-model.js';
import type { ScaleRepetition } from '../model/scale.js';
import type { WorkerDelta, WorkerSnapshot } from '../runner/worker-metrics.js';
import type { LabOwnership } from '../noise/interference.js';
import type { ResilienceTarget } from '../resilience/target.js';
import type { WarmUpReport } from '../steady/steady-state.js';
import type { SweepSession } from '../sweep/session.js';
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

/** `lab sweep`'s capability: what differs is where a step's generator runs and what CPU it can read. */
export interface SweepCapability {
  /** The machine as the sweep's report states it (its generator named). */
  machine(): Promise<MachineInfo>;
  /** The load generator and where it runs, as the report names it. */
  generator(): Promise<string>;
  /** Why a mode cannot be swept here (the runtime's reasons and the sweep's own), or null. */
  unavailability(mode: Mode): Promise<string | null>;
  /** Starts (or finds) the topology and warms it up. */
  start(mode: Mode, scenario: Scenario): Promise<SweepSession>;
}

/** `lab resilience`'s capability: a ResilienceTarget per topology, its rounds acting on it. */
export interface ResilienceCapability {
  /** The machine as the resilience report states it (who sends the round load). */
  machine(): Promise<MachineInfo>;
  /** Why a mode's rounds cannot run here (the runtime's reasons and the rounds' own), or null. */
  unavailability(mode: Mode): Promise<string | null>;
  target(mode: Mode): Promise<ResilienceTarget>;
}

/** One size of `lab scale`, started and warmed. */
export interface ScaleSession {
  /** One repetition of the scenario with the processes' CPU. */
  measure(repetition: number, scenario: Scenario): Promise<ScaleRepetition>;
  /** Stops what this size started (the next size runs on the same port). */
  stop(): Promise<void>;
}

/** `lab scale`'s capability: the topology at any WORKERS, one size after the other. */
export interface ScaleCapability {
  /** Starts (or finds) the topology with `workers` workers, warmed to a steady CPU per request. */
  start(mode: Mode, workers: number, scenario: Scenario): Promise<ScaleSession>;
}

/** The commands only some runtimes run: each is an optional member of Runtime. */
export const CAPABILITIES = ['sweep', 'resilience', 'scale'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface Runtime {
  readonly name: RuntimeName;
  /** WORKERS as this runtime runs the topologies (native: the option; Docker: as `up` sized the stack, read once). */
  workers(): Promise<number>;
  /** The machine and the runtime's own facts (its CPU limit, its load generator), learned once. */
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
  readonly sweep?: SweepCapability;
  readonly resilience?: ResilienceCapability;
  readonly scale?: ScaleCapability;
}

/** A runtime that declares capability C. */
export type RuntimeWith<C extends Capability> = Runtime & Required<Pick<Runtime, C>>;

export function hasCapability<C extends Capability>(runtime: Runtime, capability: C): runtime is RuntimeWith<C> {
  return runtime[capability] !== undefined;
}
