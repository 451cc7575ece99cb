/**
 * The native runtime's resilience capability (core/runtime.ts, ResilienceCapability;
 * the rounds are commands/resilience.ts): local processes, each round on a freshly
 * started topology (NativeTarget), owned by the runtime's RunScope.
 */
import type { ResilienceCapability } from '../core/runtime.js';
import type { MachineInfo } from '../model/report-model.js';
import type { NativeOptions, RunScope } from './native-runtime.js';
import { NativeTarget } from './resilience-target.js';

export function nativeResilience(options: () => NativeOptions, scope: () => RunScope, machine: () => Promise<MachineInfo>): ResilienceCapability {
  return {
    machine,
    target: (mode) => {
      const { workers, node } = options();
      return Promise.resolve(new NativeTarget(mode, { workers, node }, scope()));
    },
  };
}
