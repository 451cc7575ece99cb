/**
 * The native runtime's resilience capability (core/runtime.ts, ResilienceCapability;
 * the rounds are commands/resilience.ts): local processes, each round on a freshly
 * started topology (NativeTarget), owned by the runtime's RunScope.
 */
import type { ResilienceCapability, Runtime } from '../core/runtime.js';
import type { NativeOptions, RunScope } from './native-runtime.js';
import { NativeTarget } from './resilience-target.js';

export function nativeResilience(runtime: Pick<Runtime, 'machine' | 'unavailability'>, options: () => NativeOptions, scope: () => RunScope): ResilienceCapability {
  return {
    machine: () => runtime.machine(),
    unavailability: (mode) => runtime.unavailability(mode),
    target: (mode) => {
      const { workers, node } = options();
      return Promise.resolve(new NativeTarget(mode, { workers, node }, scope()));
    },
  };
}
