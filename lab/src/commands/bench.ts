/**
 * `lab bench`, written once against the Runtime interface: one topology, warmed to a
 * steady state, repeated until its interval is tight (or REPEAT times, or for
 * DURATION); each repetition's block as it ends, then the report and
 * results/<time>-<mode>.json.
 */
import type { Runtime } from '../core/runtime.js';
import { warmToSteady } from '../core/warm-up.js';
import { fairnessWarnings, modeReport } from '../mode-report.js';
import { INTERVAL_METHOD } from '../model/interval.js';
import { type ModeReport, SCHEMA_VERSION } from '../model/report-model.js';
import { explainTail } from '../report/explain.js';
import { runLinkLine } from '../report/run-links.js';
import { formatBenchReport } from '../report/terminal.js';
import { heldText, verdictHeld } from '../report/trust.js';
import { fileStamp } from '../shared/ids.js';
import { formatSeedBlock } from '../shared/seed-block.js';
import { shouldStop } from '../stats/adaptive.js';
import { topology, type Mode } from '../topologies.js';
import { output } from './output.js';
import { adaptivePlan, log, machineNow, measureClean, type Measured, type RunPlan, within } from './repetitions.js';

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
    const warnings = fairnessWarnings([explained], machine, await runtime.workers(), scenario);
    const body = { schemaVersion: SCHEMA_VERSION, created: new Date().toISOString(), runtime: runtime.name, scenario, repeat: reps.length, machine, warnings, intervalMethod: INTERVAL_METHOD, mode: explained };
    output({ text: formatBenchReport(explained, scenario, machine, warnings, reps.map((r) => r.result)), name: `${fileStamp(new Date())}-${mode}`, data: body });
    log(runLinkLine(await runtime.monitoring(), started, new Date(), [mode]));
    return explained;
  });
}
