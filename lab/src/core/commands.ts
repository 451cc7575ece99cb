/**
 * compare and bench, written once against the Runtime interface: the same warm-up,
 * the same interleaved repetitions, the same report model and the same terminal,
 * JSON and HTML reports, whichever runtime ran the topologies.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../paths.js';
import { SCHEMA_VERSION, type CompareReport, type MachineInfo, type ModeReport, type Scenario } from '../report-model.js';
import { busyCores } from '../machine-load.js';
import { explainTail } from '../report/explain.js';
import { runLinkLine } from '../report/run-links.js';
import { formatBenchReport, formatCompareTable } from '../report/terminal.js';
import { writeCompareReport } from '../report/write.js';
import { formatSeedBlock } from '../shared/seed-block.js';
import { fairnessWarnings, modeReport, unavailableReport, withSpeedups } from '../mode-report.js';
import { modesWithSingle, topology, workerCount, type Mode } from '../topologies.js';
import { fileStamp } from '../shared/ids.js';
import type { Repetition, Runtime, Target } from './runtime.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export interface RunPlan {
  scenario: Scenario;
  repeat: number;
  /** compare: MODE's list (undefined: every mode); single always joins as the baseline. */
  modes?: readonly Mode[] | undefined;
  /** bench: run back to back until this many seconds have passed (DURATION), instead of REPEAT times. */
  durationSeconds?: number | undefined;
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

export async function compare(runtime: Runtime, plan: RunPlan): Promise<CompareReport> {
  const machine = await machineNow(runtime);
  const modes = modesWithSingle(plan.modes);
  return within(runtime, async () => {
    const started = new Date();
    const targets = new Map<Mode, Target>();
    const unavailable = new Map<Mode, string>();
    for (const mode of modes) {
      const reason = await runtime.unavailability(mode);
      if (reason !== null) {
        unavailable.set(mode, reason);
        log(`${mode}: unavailable: ${reason}`);
        continue;
      }
      const target = await runtime.start(mode);
      targets.set(mode, target);
      log(`${mode}: warming up…`);
      await runtime.warm(target, plan.scenario);
    }
    const reps = new Map<Mode, Repetition[]>();
    const total = targets.size * plan.repeat;
    let step = 0;
    // Interleaved (A B C A B C …): drift on a shared machine hits every mode alike.
    for (let i = 1; i <= plan.repeat; i++) {
      for (const [mode, target] of targets) {
        step++;
        const rep = await runtime.measure(target, plan.scenario);
        log(`[${step}/${total}] ${mode} repetition ${i}: ${rep.result.rps.toFixed(1)} req/s, p99 ${rep.result.latencyMs.p99.toFixed(0)} ms, ${rep.result.errors.total} errors`);
        reps.set(mode, [...(reps.get(mode) ?? []), rep]);
      }
    }
    const reports = withSpeedups(
      modes.map((mode) => {
        const t = topology(mode);
        const reason = unavailable.get(mode);
        const n = targets.get(mode)?.workers ?? workerCount(t, runtime.workers());
        return reason === undefined ? modeReport(t, n, machine, reps.get(mode) ?? []) : unavailableReport(t, n, reason);
      }),
    );
    const single = reports.find((m) => m.mode === 'single');
    const explained = reports.map((m) => (m.available ? { ...m, explanation: explainTail(m, single) } : m));
    const report: CompareReport = {
      schemaVersion: SCHEMA_VERSION,
      created: new Date().toISOString(),
      runtime: runtime.name,
      scenario: plan.scenario,
      repeat: plan.repeat,
      machine,
      modes: explained,
      warnings: fairnessWarnings(explained, machine, runtime.workers(), plan.scenario),
    };
    process.stdout.write(`\n${formatCompareTable(report)}\n`);
    const written = writeCompareReport(report, paths.results);
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
    log(`${mode}: ${target.url}${scenario.path}, warming up with ${scenario.warmupRequests} requests…`);
    await runtime.warm(target, scenario);
    const started = new Date();
    const start = started.getTime();
    // DURATION: back to back until it has passed, else REPEAT runs.
    const more = (r: number): boolean => (durationSeconds === undefined ? r <= repeat : r === 1 || Date.now() - start < durationSeconds * 1000);
    const reps: Repetition[] = [];
    for (let i = 1; more(i); i++) {
      const rep = await runtime.measure(target, scenario);
      reps.push(rep);
      const of = durationSeconds === undefined ? ` of ${repeat}` : '';
      process.stdout.write(`\n${mode}, repetition ${i}${of}\n${formatSeedBlock(rep.result)}\n`);
    }
    const report = modeReport(topology(mode), target.workers, machine, reps);
    const explained: ModeReport = { ...report, explanation: explainTail(report, undefined) };
    const warnings = fairnessWarnings([explained], machine, runtime.workers(), scenario);
    process.stdout.write(`\n${formatBenchReport(explained, scenario, machine, warnings, reps.map((r) => r.result))}\n`);
    mkdirSync(paths.results, { recursive: true });
    const file = join(paths.results, `${fileStamp(new Date())}-${mode}.json`);
    const body = { schemaVersion: SCHEMA_VERSION, created: new Date().toISOString(), runtime: runtime.name, scenario, repeat: reps.length, machine, warnings, mode: explained };
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    log(`wrote ${file}`);
    log(runLinkLine(await runtime.monitoring(), started, new Date(), [mode]));
    return explained;
  });
}
