/**
 * The native runtime's scale capability (core/runtime.ts, ScaleCapability; the command
 * is commands/scale.ts): a size is the topology started with WORKERS=n (or found so, as
 * `lab up` left it), warmed, loaded by the lab's runner in this process, its processes'
 * CPU read from /proc; stopping it stops only what this run started.
 */
import type { ScaleCapability } from '../core/runtime.js';
import type { ScaleRepetition } from '../model/scale.js';
import type { Scenario } from '../model/report-model.js';
import { runLoad } from '../runner/run-load.js';
import { scenarioRunOptions } from '../runner/run-options.js';
import { progressReporter } from '../runner/progress.js';
import { ensureRunning, warm, type NativeOptions, type RunScope } from './native-runtime.js';
import type { RunningTopology } from './topology-runner.js';
import { cpuDelta, snapshotCpu, totalCpu } from './process-cpu.js';
import { stopGroups } from './processes.js';

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

export function nativeScale(options: () => NativeOptions, scope: () => RunScope): ScaleCapability {
  return {
    start: async (mode, workers, scenario) => {
      const { running, ownedByThisRun } = await ensureRunning(mode, { ...options(), workers }, scope());
      await warm(running, scenario);
      return {
        measure: (rep, s) => measureOnce(running, workers, rep, s),
        stop: async () => {
          if (ownedByThisRun) await stopGroups([mode]);
        },
      };
    },
  };
}
