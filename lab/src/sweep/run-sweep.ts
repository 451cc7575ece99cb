/**
 * `lab sweep`, written once for both runtimes: for each topology (single always joins
 * as the reference for CPU per request), unavailable → start → warm → closed-loop probe
 * → capacity search (its ladder from RATES= or from the probe) → stop, then one report (results/sweep.{json,html} and the terminal
 * table). A runtime provides only what differs, as a SweepTarget: how a topology is
 * started, where a step's generator runs and what CPU it can read.
 */
import type { MachineInfo, RuntimeName, Scenario } from '../model/report-model.js';
import { locations } from '../config/environment.js';
import { formatSweepTable } from '../report/sweep-terminal.js';
import { writeSweepReport } from '../report/sweep-write.js';
import { progressReporter, type Progress } from '../runner/progress.js';
import { modesWithSingle, topology, workerCount, type Mode } from '../topologies.js';
import { bracketLadder, capacityResolution } from './analysis.js';
import type { CpuByRole, CpuRole } from './cpu-roles.js';
import { probeCapacity, type ClosedRun } from './probe.js';
import { runCurve, type StepRunner } from './run-curve.js';
import { settle } from './settle.js';
import type { SweepOptions } from '../config/sweep-options.js';
import { capacityFaults, generatorWarnings, summarizeCurve, withCpuVsSingle } from './summarize.js';
import type { SweepReport, SweepTopology } from '../model/sweep.js';
import { capacityText } from '../model/sweep.js';

/** One topology, started and warmed, as a runtime serves it to the sweep. */
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

export interface SweepTarget {
  readonly runtime: RuntimeName;
  machine(): Promise<MachineInfo>;
  /** The load generator and where it runs, as the report names it. */
  generator(): Promise<string>;
  /** WORKERS as the runtime would run this mode (for an unavailable one's row). */
  workers(mode: Mode): number;
  unavailability(mode: Mode): Promise<string | null>;
  /** Starts (or finds) the topology and warms it up. */
  start(mode: Mode): Promise<SweepSession>;
  /** Releases whatever is left (always called). */
  close(): Promise<void>;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function unavailableTopology(mode: Mode, workers: number, reason: string): SweepTopology {
  return {
    mode, title: topology(mode).title, workers, available: false, reason, probeRps: null, steps: [], skippedRates: [], knee: null,
    capacity: null, cpuPerRequestMs: null, cpuNotMeasured: [], cpuVsSingle: null, generatorCpuPerRequestUs: null,
  };
}

async function sweepOne(mode: Mode, session: SweepSession, scenario: Scenario, sweep: SweepOptions): Promise<SweepTopology> {
  // Always probed, also with RATES=: the probe is the ceiling a capacity is checked against.
  const probe = (): Promise<number> => probeCapacity(session.url, Math.max(8, 4 * session.workers), scenario.timeoutMs, session.closedRun);
  const probeRps = await probe();
  const ladder = sweep.rates ?? bracketLadder(probeRps);
  const resolution = capacityResolution(probeRps);
  log(`${mode}: closed-loop probe ${probeRps.toFixed(0)} req/s → bracket ${ladder.join(', ')} req/s${sweep.rates === undefined ? '' : ' (RATES)'}, bisect to ${resolution} req/s`);
  let bar: Progress | undefined;
  const curve = await runCurve({
    url: session.url,
    settleUrl: session.settleUrl,
    ladder,
    resolution,
    probeRps,
    reprobe: async () => {
      await settle(session.settleUrl);
      const again = await probe();
      log(`${mode}: a confirmed pass above the closed-loop probe: probed again, ${again.toFixed(0)} req/s`);
      return again;
    },
    extend: sweep.rates === undefined,
    stepSeconds: sweep.stepSeconds,
    connections: sweep.connections,
    sloP99Ms: sweep.sloP99Ms,
    timeoutMs: scenario.timeoutMs,
    ...(session.runStep === undefined ? {} : { runStep: session.runStep }),
    ...(session.measureCpu === undefined ? {} : { measureCpu: session.measureCpu }),
    onProgress: (done, total) => {
      bar ??= progressReporter(`${mode} step`, total);
      bar.update(done, total);
    },
    onStep: (s, purpose, count) => {
      bar?.done();
      bar = undefined;
      log(`${mode} [${count}, ${purpose}] offered ${s.offeredRps} req/s: achieved ${s.achievedRps.toFixed(1)}, p99 ${s.latencyMs.p99.toFixed(1)} ms`
        + ` (uncorrected ${s.uncorrectedMs.p99.toFixed(1)}), dropped ${s.dropped}, errors ${s.errors.total + s.unfinished}, ${s.meetsObjective ? 'met' : 'missed'} the objective`);
    },
  });
  if (curve.skippedRates.length > 0) log(`${mode}: bracketed below ${curve.skippedRates.join(', ')} req/s (not run)`);
  const capacity = capacityText(curve.capacity);
  log(curve.capacity.fault === null ? `${mode}: capacity at p99 ≤ ${sweep.sloP99Ms} ms: ${capacity ?? '–'}` : `${mode}: MEASUREMENT FAULT: ${curve.capacity.fault}`);
  const summary = summarizeCurve({ mode, title: topology(mode).title, workers: session.workers, probeRps: curve.capacity.probeRps }, curve);
  return { ...summary, cpuNotMeasured: session.cpuNotMeasured };
}

export async function runSweep(target: SweepTarget, modesAsked: readonly Mode[] | undefined, scenario: Scenario, sweep: SweepOptions): Promise<SweepReport> {
  try {
    const machine = await target.machine();
    const generator = await target.generator();
    const topologies: SweepTopology[] = [];
    for (const mode of modesWithSingle(modesAsked)) {
      const reason = await target.unavailability(mode);
      if (reason !== null) {
        log(`${mode}: unavailable: ${reason}`);
        topologies.push(unavailableTopology(mode, workerCount(topology(mode), target.workers(mode)), reason));
        continue;
      }
      log(`${mode}: starting and warming up…`);
      const session = await target.start(mode);
      // start() warms every serving process to a steady CPU per request (steady/steady-state.ts) before the probe.
      try {
        topologies.push(await sweepOne(mode, session, scenario, sweep));
      } finally {
        await session.stop();
      }
    }
    const summarized = withCpuVsSingle(topologies);
    const report: SweepReport = {
      created: new Date().toISOString(),
      runtime: target.runtime,
      generator,
      machine,
      path: scenario.path,
      sloP99Ms: sweep.sloP99Ms,
      stepSeconds: sweep.stepSeconds,
      connections: sweep.connections,
      ratesFrom: sweep.rates === undefined ? 'probe' : 'RATES',
      topologies: summarized,
      faults: summarized.flatMap(capacityFaults),
      warnings: summarized.flatMap(generatorWarnings),
    };
    process.stdout.write(`\n${formatSweepTable(report)}\n`);
    const written = writeSweepReport(report, locations().results);
    log(`wrote ${written.json} and ${written.html}`);
    return report;
  } finally {
    await target.close();
  }
}
