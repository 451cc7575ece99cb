/**
 * The native runtime's sweep capability (core/runtime.ts, SweepCapability; the loop is
 * commands/sweep.ts). Each topology is started by this run (owned by the runtime's
 * RunScope, so nothing is left behind) or found running, loaded by the lab's runner in
 * this process, and its CPU read from /proc for every role (workers, primary, PM2 daemon, nginx).
 */
import type { Runtime, SweepCapability } from '../core/runtime.js';
import { ensureRunning, warm, type NativeOptions, type RunScope } from './native-runtime.js';
import { cpuDelta, snapshotCpu } from './process-cpu.js';
import { stopGroups } from './processes.js';

export const NATIVE_SWEEP_GENERATOR = "the lab's runner (open model), in the lab's own process on this machine";

export function nativeSweep(runtime: Pick<Runtime, 'machine' | 'unavailability'>, options: () => NativeOptions, scope: () => RunScope): SweepCapability {
  return {
    machine: () => runtime.machine(),
    unavailability: (mode) => runtime.unavailability(mode),
    generator: () => Promise.resolve(NATIVE_SWEEP_GENERATOR),
    start: async (mode, scenario) => {
      const { running, ownedByThisRun } = await ensureRunning(mode, options(), scope());
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
  };
}
