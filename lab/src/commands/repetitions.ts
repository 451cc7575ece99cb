/**
 * What compare and bench share, written once against the Runtime interface: the
 * repetition rule, the runtime always closed, the machine's facts, and measuring a
 * repetition right after its re-warm, with what else used the CPU over it.
 */
import type { Repetition, Runtime, Target } from '../core/runtime.js';
import { rewarm } from '../core/warm-up.js';
import { busyCores } from '../machine-load.js';
import { cpuPerRequestMs } from '../mode-report.js';
import { formatInterference, type MachineInfo, type RepetitionRecord, type Scenario, type WarmUpReport } from '../model/report-model.js';
import { InterferenceMeter, type Interference } from '../noise/interference.js';
import { DEFAULT_ADAPTIVE, type AdaptivePlan } from '../stats/adaptive.js';
import { drift, intervalCosts } from '../steady/steady-state.js';
import type { Mode } from '../topologies.js';

export const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export interface RunPlan {
  scenario: Scenario;
  /** A fixed count (REPEAT=n), or undefined: adaptive (until ±3% or the budget). */
  repeat: number | undefined;
  /** compare: MODE's list (undefined: every mode); single always joins as the baseline. */
  modes?: readonly Mode[] | undefined;
  /** bench: run back to back until this many seconds have passed (DURATION), instead of REPEAT times. */
  durationSeconds?: number | undefined;
}

/** Adaptive repetitions' time budget per topology, ms (the minimum of 3 always runs). */
export const BUDGET_PER_MODE_MS = 30_000;

/** The repetition rule of one topology: fixed when REPEAT was given, else adaptive within its budget. */
export function adaptivePlan(repeat: number | undefined): AdaptivePlan {
  return repeat === undefined ? { ...DEFAULT_ADAPTIVE, budgetMs: BUDGET_PER_MODE_MS } : { ...DEFAULT_ADAPTIVE, fixed: repeat, budgetMs: Infinity };
}

/** Runs what `fn` needs and always closes the runtime (stops what this command started). */
export async function within<T>(runtime: Runtime, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await runtime.close();
  }
}

/** The runtime's machine facts, with how busy the machine is now (before anything of this run starts). */
export async function machineNow(runtime: Runtime): Promise<MachineInfo> {
  const machine = await runtime.machine();
  return { ...machine, busyCoresAtStart: await busyCores(machine.availableParallelism) };
}

export interface Measured {
  rep: Repetition;
  record: RepetitionRecord;
}

/** One repetition with the machine's interference over it and each process's drift from its warm cost. */
async function measureOnce(runtime: Runtime, target: Target, scenario: Scenario, warm: WarmUpReport | null, cores: number): Promise<Measured> {
  const meter = new InterferenceMeter(runtime.ownership(), cores);
  await meter.start();
  let rep: Repetition;
  let interference: Interference | null = null;
  try {
    rep = await runtime.measure(target, scenario);
  } finally {
    interference = await meter.stop();
  }
  const drifted = warm === null ? [] : drift(warm.reference, intervalCosts(rep.workers), warm.tolerance);
  const r = rep.result;
  return {
    rep,
    record: { rps: r.rps, p50: r.latencyMs.p50, p99: r.latencyMs.p99, cpuPerRequestMs: cpuPerRequestMs(rep), interference, drift: drifted, excluded: false },
  };
}

/** The terminal line of one repetition: its figures, what else used the CPU, any drift. */
function repetitionLine(prefix: string, m: Measured): string {
  const r = m.rep.result;
  const cpu = m.record.cpuPerRequestMs === null ? '' : `, app CPU ${m.record.cpuPerRequestMs.toFixed(2)} ms/request`;
  const noise = m.record.interference === null ? '' : `, ${formatInterference(m.record.interference)}`;
  const drifted = m.record.drift.map((d) => `worker ${d.worker} ${d.change > 0 ? '+' : ''}${(d.change * 100).toFixed(0)}%`).join(', ');
  return `${prefix}: ${r.rps.toFixed(1)} req/s, p99 ${r.latencyMs.p99.toFixed(0)} ms, ${r.errors.total} errors${cpu}${noise}`
    + (m.record.interference?.disturbed === true ? ' [DISTURBED]' : '')
    + (drifted === '' ? '' : ` [DRIFT from the warm cost: ${drifted}]`);
}

/**
 * Measures a repetition; a disturbed one (too much CPU used outside the lab) is kept in
 * the report, left out of the figures, and measured again once.
 */
export async function measureClean(runtime: Runtime, target: Target, scenario: Scenario, warm: WarmUpReport | null, cores: number, prefix: string): Promise<Measured[]> {
  const windows = await rewarm(runtime, target, scenario, warm);
  if (windows > 1) log(`  ${target.mode}: ${windows} windows to get back to its warm cost before measuring`);
  const first = await measureOnce(runtime, target, scenario, warm, cores);
  log(repetitionLine(prefix, first));
  if (first.record.interference?.disturbed !== true) return [first];
  log(`  ${target.mode}: other work on the machine disturbed that repetition: measured again, the disturbed one left out of the figures`);
  await rewarm(runtime, target, scenario, warm);
  const again = await measureOnce(runtime, target, scenario, warm, cores);
  log(repetitionLine(`${prefix} (again)`, again));
  return [{ ...first, record: { ...first.record, excluded: true } }, again];
}
