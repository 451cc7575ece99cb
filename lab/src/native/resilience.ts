/**
 * `lab resilience` on the native runtime: the core command (resilience/command.ts)
 * with local processes, each round on a freshly started topology (NativeTarget).
 */
import { contextFor, requireBuiltApp, RunScope, unavailability, type NativeOptions } from './native-runtime.js';
import { topology, workerCount } from '../topologies.js';
import { NativeTarget } from './resilience-target.js';
import { resilience } from '../resilience/command.js';
import type { ResilienceReport } from '../model/resilience.js';

export async function nativeResilience(options: NativeOptions, env?: Record<string, string>): Promise<ResilienceReport> {
  requireBuiltApp();
  const { scenario, machine, app } = contextFor(options);
  const scope = new RunScope();
  return resilience({
    name: 'native',
    scenario,
    machine,
    workers: (mode) => workerCount(topology(mode), options.workers),
    unavailability: (mode) => Promise.resolve(unavailability(mode, app, options.setup)),
    target: (mode) => new NativeTarget(mode, { workers: options.workers, node: options.node, ...(env ? { env } : {}) }, scope),
    close: () => scope.close(),
  }, options.modes, options.repeat);
}
