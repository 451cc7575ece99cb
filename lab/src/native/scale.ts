/**
 * `lab scale` on the native runtime: one multi-process topology at WORKERS = 1, 2, …
 * up to the cores this process may use (or WORKERS, when given, as the largest count),
 * the closed-loop scenario repeated at each size. A topology runs on its mode's fixed
 * port, so sizes cannot run side by side, and a restart throws away the JIT's work
 * (V8's TurboFan wave comes after ~10,700 requests per process, docs/steady-state.md):
 * each size is started once, warmed to a steady CPU per request in every process, then
 * repeated (adaptive by default, stats/adaptive.ts; REPEAT=n for exactly n), then stopped.
 * Drift on a shared machine is no longer spread by interleaving but watched: the
 * repetitions' intervals say how steady each size was. Then each size's figures with
 * their intervals and, over the sizes within the cores, a Universal Scalability Law fit
 * with bootstrap intervals (scale/analysis.ts).
 */
import { availableParallelism } from 'node:os';
import { runLoad } from '../runner/run-load.js';
import { scenarioRunOptions } from '../runner/run-options.js';
import { progressReporter } from '../runner/progress.js';
import { analyseScale } from '../scale/analysis.js';
import { scalePlan, scaleSizes } from '../scale/schedule.js';
import { shouldStop } from '../stats/adaptive.js';
import type { ScaleReport, ScaleRepetition } from '../model/scale.js';
import { formatScaleTable } from '../report/scale-terminal.js';
import { writeScaleReport } from '../report/sweep-write.js';
import { busyCores } from '../machine-load.js';
import { locations } from '../config/environment.js';
import { UsageError } from '../config/usage-error.js';
import type { Scenario } from '../model/report-model.js';
import { INTERVAL_METHOD } from '../model/interval.js';
import { topology, type Mode } from '../topologies.js';
import { contextFor, ensureRunning, requireBuiltApp, RunScope, unavailability, warm, type NativeOptions } from './native-runtime.js';
import type { RunningTopology } from './topology-runner.js';
import { cpuDelta, snapshotCpu, totalCpu } from './process-cpu.js';
import { stopGroups } from './processes.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export interface ScaleOptions {
  /** Largest worker count; default (in the CLI) the available parallelism. */
  maxWorkers: number;
  /** REPEAT=n: exactly n repetitions per size; undefined: adaptive. */
  repeat: number | undefined;
}

/** The mode, when it runs WORKERS processes; a UsageError otherwise. */
export function scalableMode(mode: Mode): Mode {
  if (!topology(mode).multiProcess) throw new UsageError(`MODE=${mode} is not accepted by scale: expected a multi-process topology (cluster, cluster-none, pm2, nginx, reuseport)`);
  return mode;
}

/** One repetition of a started, warm size: the scenario once, with the processes' CPU. */
async function measureOnce(running: RunningTopology, workers: number, rep: number, scenario: Scenario): Promise<ScaleRepetition> {
  const progress = progressReporter(`${running.topology.mode} WORKERS=${workers} repetition ${rep}`, scenario.requests);
  const before = snapshotCpu(running.processes);
  const result = await runLoad({ ...scenarioRunOptions(running.baseUrl, scenario), onProgress: progress.update });
  const cpu = totalCpu(cpuDelta(before, snapshotCpu(running.processes)));
  progress.done();
  return {
    round: rep,
    rps: result.rps,
    p99Ms: result.latencyMs.p99,
    errors: result.errors.total,
    cpuPerRequestMs: result.completed > 0 ? (cpu * 1000) / result.completed : null,
  };
}

export async function nativeScale(mode: Mode, options: NativeOptions, scale: ScaleOptions): Promise<ScaleReport> {
  const t = topology(scalableMode(mode));
  requireBuiltApp();
  const { scenario, machine, app } = contextFor(options);
  const reason = unavailability(mode, app, options.setup);
  if (reason) throw new Error(`MODE=${mode} is unavailable here: ${reason}`);
  const cores = availableParallelism();
  const sizes = scaleSizes(scale.maxWorkers);
  const plan = scalePlan(scale.repeat);
  const busy = await busyCores(cores);
  const scope = new RunScope();
  const bySize = new Map<number, ScaleRepetition[]>(sizes.map((n) => [n, []]));
  try {
    const stops: string[] = [];
    for (const workers of sizes) {
      const { running, ownedByThisRun } = await ensureRunning(mode, { ...options, workers }, scope);
      try {
        await warm(running, scenario);
        const began = Date.now();
        for (let rep = 1; ; rep++) {
          const r = await measureOnce(running, workers, rep, scenario);
          const reps = bySize.get(workers) ?? [];
          reps.push(r);
          bySize.set(workers, reps);
          log(`${mode} WORKERS=${workers} repetition ${rep}: ${r.rps.toFixed(1)} req/s, p99 ${r.p99Ms.toFixed(0)} ms, ${r.errors} errors`);
          const stop = shouldStop(reps.map((x) => x.rps), Date.now() - began, plan);
          if (stop !== null) {
            stops.push(`${workers} worker${workers === 1 ? '' : 's'}: ${stop.text}`);
            break;
          }
        }
      } finally {
        if (ownedByThisRun) await stopGroups([mode]);
      }
    }
    const stopText = stops.join('; ');
    const analysis = analyseScale(sizes.map((workers) => ({ workers, repetitions: bySize.get(workers) ?? [] })), cores);
    const report: ScaleReport = {
      created: new Date().toISOString(),
      runtime: 'native',
      machine: { ...machine, busyCoresAtStart: busy },
      mode,
      title: t.title,
      scenario,
      repeat: Math.min(...[...bySize.values()].map((r) => r.length)),
      repetitions: stopText,
      cores,
      ...analysis,
      intervalMethod: INTERVAL_METHOD,
    };
    process.stdout.write(`\n${formatScaleTable(report)}\n`);
    const written = writeScaleReport(report, locations().results);
    log(`wrote ${written.json} and ${written.html}`);
    return report;
  } finally {
    await scope.close();
  }
}
