/**
 * `lab compare`, written once against the Runtime interface: every topology (MODE's
 * list, single always as the baseline) started, then one after the other warmed to a
 * steady state and repeated until its interval is tight; one report (terminal table,
 * results/compare.{json,html}), whichever runtime ran the topologies.
 */
import type { Runtime, Target } from '../core/runtime.js';
import { warmToSteady } from '../core/warm-up.js';
import { fairnessWarnings, modeReport, unavailableReport, withSpeedups } from '../mode-report.js';
import { INTERVAL_METHOD } from '../model/interval.js';
import { type CompareReport, SCHEMA_VERSION, type WarmUpReport } from '../model/report-model.js';
import { explainTail } from '../report/explain.js';
import { renderCompareHtml } from '../report/html.js';
import { runLinkLine } from '../report/run-links.js';
import { formatCompareTable } from '../report/terminal.js';
import { heldText, limitCautions, physicalFaults, separationStatements, verdictHeld } from '../report/trust.js';
import { shouldStop } from '../stats/adaptive.js';
import { modesWithSingle, topology, workerCount, type Mode } from '../topologies.js';
import { output } from './output.js';
import { adaptivePlan, log, machineNow, measureClean, type Measured, type RunPlan, within } from './repetitions.js';

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
    const workers = await runtime.workers();
    const single = (() => {
      const reps = (measured.get('single') ?? []).filter((m) => !m.record.excluded).map((m) => m.rep);
      return reps.length > 0 ? modeReport(topology('single'), 1, machine, reps) : undefined;
    })();
    const reports = withSpeedups(
      modes.map((mode) => {
        const t = topology(mode);
        const reason = unavailable.get(mode);
        const n = targets.get(mode)?.workers ?? workerCount(t, workers);
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
      warnings: [...fairnessWarnings(explained, machine, workers, plan.scenario), ...limitCautions(explained)],
      intervalMethod: INTERVAL_METHOD,
      statements: separationStatements(explained),
      faults: physicalFaults(explained, machine),
    };
    output({ text: formatCompareTable(report), name: 'compare', data: report, html: renderCompareHtml(report) });
    log(runLinkLine(await runtime.monitoring(), started, new Date(), [...targets.keys()]));
    return report;
  });
}
