/**
 * up, down, ps and logs: the stack commands, each one call of the Runtime interface.
 * What they print is the runtime's own (URLs, process lists, log locations).
 */
import type { Runtime } from '../core/runtime.js';
import type { Mode } from '../topologies.js';

/** Starts every topology asked (MODE's list; undefined: all) and the monitoring. */
export function up(runtime: Runtime, modes: readonly Mode[] | undefined): Promise<void> {
  return runtime.up(modes);
}

/** Stops everything each runtime started, one after the other (whichever runtime started it, nothing is left). */
export async function down(runtimes: AsyncIterable<Runtime>): Promise<void> {
  for await (const runtime of runtimes) await runtime.down();
}

export function ps(runtime: Runtime): Promise<void> {
  return runtime.ps();
}

export function logs(runtime: Runtime): Promise<void> {
  return runtime.logs();
}
