/**
 * The steady-state warm-up through the Runtime interface (steady/steady-state.ts):
 * every serving process of a topology until its CPU per request is stable, and the
 * re-warm before each measured repetition. compare and bench use it, and so does a
 * runtime's own capability that warms (Docker's sweep).
 */
import type { Scenario, WarmUpReport } from '../model/report-model.js';
import { costs, drift, steadyPlan, warmToSteadyState } from '../steady/steady-state.js';
import type { Runtime, Target } from './runtime.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Warms every serving process of a topology until its CPU per request is stable (steady/steady-state.ts). */
export async function warmToSteady(runtime: Runtime, target: Target, scenario: Scenario): Promise<WarmUpReport | null> {
  if (scenario.warmupRequests <= 0) {
    log(`${target.mode}: no warm-up (warmupRequests is 0): figures include the JIT's first compilations`);
    return null;
  }
  const processes = (await runtime.readProcesses(target)).length;
  log(`${target.mode}: warming ${processes} serving process(es) to a steady CPU per request (windows of ${scenario.warmupRequests} requests per process)…`);
  if (runtime.warmToSteadyState) {
    const inPlace = await runtime.warmToSteadyState(target, scenario);
    log(`${target.mode}: warm-up ${inPlace.text}`);
    return inPlace;
  }
  let window = 0;
  const report = await warmToSteadyState(
    { load: (n) => runtime.load(target, n, scenario), read: () => runtime.readProcesses(target), processes },
    steadyPlan(scenario),
    (line) => {
      if (++window % 10 === 0) log(`  ${target.mode}: warm-up ${line}`);
    },
  );
  log(`${target.mode}: warm-up ${report.text}`);
  return report;
}

/** How long a re-warm before one repetition may take. */
export const REWARM_CAP_MS = 60_000;

/**
 * Right before a measured repetition: windows until every process is back at its warm
 * cost. A process left idle (while the other topologies warmed up or ran) can lose the
 * code V8 optimised, and runs slower until it has served thousands of requests again;
 * measuring it then would compare different code. At most as many windows as the
 * warm-up itself took (getting back cannot take longer than getting there: an idle
 * process measured here needed 29–30 windows after a 30-window warm-up), and at most
 * REWARM_CAP_MS. Returns the windows it took.
 */
export async function rewarm(runtime: Runtime, target: Target, scenario: Scenario, warm: WarmUpReport | null): Promise<number> {
  if (warm === null) return 0;
  const deadline = Date.now() + REWARM_CAP_MS;
  const most = Math.max(1, warm.windows);
  for (let windows = 1; ; windows++) {
    const before = await runtime.readProcesses(target);
    await runtime.load(target, scenario.warmupRequests * Math.max(1, before.length), scenario);
    const now = costs(before, await runtime.readProcesses(target));
    if (drift(warm.reference, now, warm.tolerance).length === 0 || windows >= most || Date.now() > deadline) return windows;
  }
}
