/**
 * `lab sweep` on the native runtime: what differs from Docker only (the loop is
 * sweep/run-sweep.ts). Each topology is started by this run (owned by a RunScope, so
 * nothing is left behind) or found running, loaded by the lab's runner in this
 * process, and its CPU read from /proc for every role (workers, primary, PM2 daemon, nginx).
 */
import type { SweepOptions } from '../config/sweep-options.js';
import { runSweep, type SweepTarget } from '../sweep/run-sweep.js';
import type { SweepReport } from '../model/sweep.js';
import { topology, workerCount, type Mode } from '../topologies.js';
import { contextFor, ensureRunning, requireBuiltApp, RunScope, unavailability, warm, type NativeOptions } from './native-runtime.js';
import { cpuDelta, snapshotCpu } from './process-cpu.js';
import { stopGroups } from './processes.js';

export const NATIVE_SWEEP_GENERATOR = "the lab's runner (open model), in the lab's own process on this machine";

export function nativeSweepTarget(options: NativeOptions): SweepTarget {
  requireBuiltApp();
  const { scenario, machine, app } = contextFor(options);
  const scope = new RunScope();
  return {
    runtime: 'native',
    machine: () => Promise.resolve(machine),
    generator: () => Promise.resolve(NATIVE_SWEEP_GENERATOR),
    workers: (mode: Mode) => workerCount(topology(mode), options.workers),
    unavailability: (mode) => Promise.resolve(unavailability(mode, app, options.setup)),
    start: async (mode) => {
      const { running, ownedByThisRun } = await ensureRunning(mode, options, scope);
      await warm(running, scenario);
      const url = new URL(scenario.path, running.baseUrl).href;
      return {
        workers: running.workers,
        url,
        settleUrl: new URL('/', running.baseUrl).href,
        cpuNotMeasured: [],
        measureCpu: () => {
          const before = snapshotCpu(running.processes);
          return () => cpuDelta(before, snapshotCpu(running.processes));
        },
        // One topology at a time on the machine: the next one's curve must not share its cores with this one.
        stop: async () => {
          if (ownedByThisRun) await stopGroups([mode]);
        },
      };
    },
    close: () => scope.close(),
  };
}

export async function nativeSweep(options: NativeOptions, sweep: SweepOptions): Promise<SweepReport> {
  const target = nativeSweepTarget(options); // the app not built: one line, before anything starts
  return runSweep(target, options.modes, contextFor(options).scenario, sweep);
}
