/**
 * A command only some runtimes run (core/runtime.ts, Capability) asked of one that
 * does not declare it: refused with one line naming the runtime and the runtimes that run it.
 */
import { UsageError } from '../config/usage-error.js';
import { hasCapability, type Capability, type Runtime, type RuntimeName, type RuntimeWith } from '../core/runtime.js';

/** Why a runtime that lacks a capability lacks it, where there is more to say than its name. */
const WHY: Partial<Record<Capability, Partial<Record<RuntimeName, string>>>> = {
  scale: {
    docker: ' (it changes WORKERS per size, which Docker sets only by `make up WORKERS=n`)',
    swarm: ' (it changes WORKERS per size, which Docker sets only by `make up WORKERS=n`)',
  },
};

/** The one line refusing `capability` on `runtime`; `runners`: the runtimes that declare it. */
export function refusal(runtime: RuntimeName, capability: Capability, runners: readonly RuntimeName[]): UsageError {
  return new UsageError(`RUNTIME=${runtime} is not accepted by ${capability}${WHY[capability]?.[runtime] ?? ''}: run it with ${runners.map((r) => `RUNTIME=${r}`).join(' or ')}`);
}

/** The runtime, when it declares the capability; else the refusal. */
export function requireCapability<C extends Capability>(runtime: Runtime, capability: C, runners: readonly RuntimeName[]): RuntimeWith<C> {
  if (!hasCapability(runtime, capability)) throw refusal(runtime.name, capability, runners);
  return runtime;
}
