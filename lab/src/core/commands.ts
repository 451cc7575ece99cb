/**
 * compare and bench, written once against the Runtime interface: the same warm-up,
 * the same repetitions, the same report model and the same terminal,
 * JSON and HTML reports, whichever runtime ran the topologies.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locations } from '../config/environment.js';
import { type CompareReport, formatInterference, type MachineInfo, type ModeReport, type RepetitionRecord, type Scenario, SCHEMA_VERSION, type WarmUpReport } from '../model/report-model.js';
import { busyCores } from '../machine-load.js';
import { explainTail } from '../report/explain.js';
import { runLinkLine } from '../report/run-links.js';
import { formatBenchReport, formatCompareTable } from '../report/terminal.js';
import { writeCompareReport } from '../report/write.js';
import { formatSeedBlock } from '../shared/seed-block.js';
import { cpuPerRequestMs, fairnessWarnings, modeReport, unavailableReport, withSpeedups } from '../mode-report.js';
import { InterferenceMeter, type Interference } from '../noise/interference.js';
import { heldText, limitCautions, physicalFaults, separationStatements, verdictHeld } from '../report/trust.js';
import { DEFAULT_ADAPTIVE, shouldStop, type AdaptivePlan } from '../stats/adaptive.js';
import { INTERVAL_METHOD } from '../model/interval.js';
import { costs, drift, intervalCosts, steadyPlan, warmToSteadyState } from '../steady/steady-state.js';
import { modesWithSingle, topology, workerCount, type Mode } from '../topologies.js';
import { fileStamp } from '../shared/ids.js';
import type { Repetition, Runtime, Target } from './runtime.js';

const log = (line: string): void => {
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
async function within<T>(runtime: Runtime, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    await runtime.close();
  }
}

/** The runtime's machine facts, with how busy the machine is now (before anything of this run starts). */
async function machineNow(runtime: Runtime): Promise<MachineInfo> {
  const machine = await runtime.machine();
  return { ...machine, busyCoresAtStart: await busyCores(machine.availableParallelism) };
}

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

interface Measured {
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
async function measureClean(runtime: Runtime, target: Target, scenario: Scenario, warm: WarmUpReport | null, cores: number, prefix: string): Promise<Measured[]> {
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

export async function compare(runtime: Runtime, plan: RunPlan): Promise<CompareReport> {
  const machine = await machineNow(runtime);
  const modes = modesWithSingle(plan.modes);
  return within(runtime, async () => {
    const started = new Date();
    const targets = new Map<Mode, Target>();
    const unavailable = new Map<Mode, string>();
    const warmUps = new Map<Mode, WarmUpReport | null>();
    for (const mode of modes) {
      const reason = await runtime.unavailability(mode);
      if (reason !== null) {
        unavailable.set(mode, reason);
        log(`${mode}: unavailable: ${reason}`);
        continue;
      }
      targets.set(mode, await runtime.start(mode));
    }
    const rule = adaptivePlan(plan.repeat);
    log(plan.repeat === undefined
      ? `measuring: each topology warmed, then repeated until its req/s interval is within ±${rule.target * 100}% (${rule.min}–${rule.max} repetitions, ${Math.round(rule.budgetMs / 1000)} s budget each)`
      : `measuring: each topology warmed, then ${plan.repeat} repetitions`);
    const measured = new Map<Mode, Measured[]>();
    const stopped = new Map<Mode, string>();
    const cores = machine.availableParallelism;
    // One topology after the other, warmed right before its repetitions: a process left idle
    // for a minute or more loses V8's optimised code (docs/steady-state.md), so interleaving
    // topologies would measure each after an idle gap. What else runs is measured per run instead.
    for (const [mode, target] of targets) {
      const warm = await warmToSteady(runtime, target, plan.scenario);
      warmUps.set(mode, warm);
      const began = Date.now();
      for (let i = 1; !stopped.has(mode); i++) {
        const got = await measureClean(runtime, target, plan.scenario, warm, cores, `${mode} repetition ${i}`);
        const all = [...(measured.get(mode) ?? []), ...got];
        measured.set(mode, all);
        const stop = shouldStop(all.filter((m) => !m.record.excluded).map((m) => m.rep.result.rps), Date.now() - began, rule);
        if (stop !== null) {
          stopped.set(mode, stop.text);
          log(`${mode}: ${stop.text}`);
        }
      }
    }
    const single = (() => {
      const reps = (measured.get('single') ?? []).filter((m) => !m.record.excluded).map((m) => m.rep);
      return reps.length > 0 ? modeReport(topology('single'), 1, machine, reps) : undefined;
    })();
    const reports = withSpeedups(
      modes.map((mode) => {
        const t = topology(mode);
        const reason = unavailable.get(mode);
        const n = targets.get(mode)?.workers ?? workerCount(t, runtime.workers());
        if (reason !== undefined) return unavailableReport(t, n, reason);
        const all = measured.get(mode) ?? [];
        const kept = all.filter((m) => !m.record.excluded).map((m) => m.rep);
        const report = modeReport(t, n, machine, kept);
        const perRep = kept.map((rep) => modeReport(t, n, machine, [rep]));
        return {
          ...report,
          repetitions: all.map((m) => m.record),
          warmUp: warmUps.get(mode) ?? null,
          stopped: stopped.get(mode) ?? '',
          verdictHeld: verdictHeld(report, perRep, single),
        };
      }),
    );
    const singleReport = reports.find((m) => m.mode === 'single');
    const explained = reports.map((m) => (m.available ? { ...m, explanation: `${explainTail(m, singleReport)} (${heldText(m.verdictHeld ?? { held: 1, of: 1 })})` } : m));
    const report: CompareReport = {
      schemaVersion: SCHEMA_VERSION,
      created: new Date().toISOString(),
      runtime: runtime.name,
      scenario: plan.scenario,
      repeat: plan.repeat ?? 0,
      machine,
      modes: explained,
      warnings: [...fairnessWarnings(explained, machine, runtime.workers(), plan.scenario), ...limitCautions(explained)],
      intervalMethod: INTERVAL_METHOD,
      statements: separationStatements(explained),
      faults: physicalFaults(explained, machine),
    };
    process.stdout.write(`\n${formatCompareTable(report)}\n`);
    const written = writeCompareReport(report, locations().results);
    log(`wrote ${written.json} and ${written.html}`);
    log(runLinkLine(await runtime.monitoring(), started, new Date(), [...targets.keys()]));
    return report;
  });
}

export async function bench(runtime: Runtime, mode: Mode, plan: RunPlan): Promise<ModeReport> {
  const reason = await runtime.unavailability(mode);
  if (reason !== null) throw new Error(`MODE=${mode} is unavailable here: ${reason}`);
  const machine = await machineNow(runtime);
  const { scenario, repeat, durationSeconds } = plan;
  return within(runtime, async () => {
    const target = await runtime.start(mode);
    log(`${mode}: ${target.url}${scenario.path}`);
    const warm = await warmToSteady(runtime, target, scenario);
    const started = new Date();
    const start = started.getTime();
    const rule = adaptivePlan(repeat);
    // DURATION: back to back until it has passed; else REPEAT runs, or adaptive.
    const more = (kept: readonly number[]): boolean =>
      durationSeconds === undefined ? shouldStop(kept, Date.now() - start, rule) === null : kept.length === 0 || Date.now() - start < durationSeconds * 1000;
    const measured: Measured[] = [];
    const kept = (): Measured[] => measured.filter((m) => !m.record.excluded);
    let stop = '';
    for (let i = 1; more(kept().map((m) => m.rep.result.rps)); i++) {
      const of = repeat === undefined || durationSeconds !== undefined ? '' : ` of ${repeat}`;
      const got = await measureClean(runtime, target, scenario, warm, machine.availableParallelism, `${mode} repetition ${i}${of}`);
      measured.push(...got);
      const last = got.at(-1);
      if (last) process.stdout.write(`\n${mode}, repetition ${i}${of}\n${formatSeedBlock(last.rep.result)}\n`);
    }
    if (durationSeconds === undefined) stop = shouldStop(kept().map((m) => m.rep.result.rps), Date.now() - start, rule)?.text ?? '';
    else stop = `${kept().length} repetitions in DURATION=${durationSeconds} s`;
    const reps = kept().map((m) => m.rep);
    const base = modeReport(topology(mode), target.workers, machine, reps);
    const held = verdictHeld(base, reps.map((rep) => modeReport(topology(mode), target.workers, machine, [rep])), undefined);
    const report: ModeReport = { ...base, repetitions: measured.map((m) => m.record), warmUp: warm, stopped: stop, verdictHeld: held };
    const explained: ModeReport = { ...report, explanation: `${explainTail(report, undefined)} (${heldText(held)})` };
    const warnings = fairnessWarnings([explained], machine, runtime.workers(), scenario);
    process.stdout.write(`\n${formatBenchReport(explained, scenario, machine, warnings, reps.map((r) => r.result))}\n`);
    mkdirSync(locations().results, { recursive: true });
    const file = join(locations().results, `${fileStamp(new Date())}-${mode}.json`);
    const body = { schemaVersion: SCHEMA_VERSION, created: new Date().toISOString(), runtime: runtime.name, scenario, repeat: reps.length, machine, warnings, intervalMethod: INTERVAL_METHOD, mode: explained };
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    log(`wrote ${file}`);
    log(runLinkLine(await runtime.monitoring(), started, new Date(), [mode]));
    return explained;
  });
}
