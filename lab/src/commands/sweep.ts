/**
 * `lab sweep`, written once for every runtime that declares the sweep capability: for
 * each topology (single always joins as the reference for CPU per request),
 * unavailable → start → warm → closed-loop probe → capacity search (its ladder from
 * RATES= or from the probe) → stop, then one report (results/sweep.{json,html} and the
 * terminal table). The runtime provides only what differs (core/runtime.ts,
 * SweepCapability): how a topology is started, where a step's generator runs and
 * what CPU it can read.
 */
import type { SweepOptions } from '../config/sweep-options.js';
import type { RuntimeWith } from '../core/runtime.js';
import type { Scenario } from '../model/report-model.js';
import { capacityText, type SweepReport, type SweepTopology } from '../model/sweep.js';
import { renderSweepHtml } from '../report/sweep-html.js';
import { formatSweepTable } from '../report/sweep-terminal.js';
import { progressReporter, type Progress } from '../runner/progress.js';
import { bracketLadder, capacityResolution } from '../sweep/analysis.js';
import { probeCapacity } from '../sweep/probe.js';
import { runCurve } from '../sweep/run-curve.js';
import type { SweepSession } from '../sweep/session.js';
import { settle } from '../sweep/settle.js';
import { capacityFaults, generatorWarnings, summarizeCurve, withCpuVsSingle } from '../sweep/summarize.js';
import { modesWithSingle, topology, workerCount, type Mode } from '../topologies.js';
import { output } from './output.js';

export interface SweepPlan {
  scenario: Scenario;
  /** MODE's list (undefined: every mode); single always joins. */
  modes: readonly Mode[] | undefined;
  sweep: SweepOptions;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function unavailableTopology(mode: Mode, workers: number, reason: string): SweepTopology {
  return {
    mode, title: topology(mode).title, workers, available: false, reason, probeRps: null, steps: [], skippedRates: [], knee: null,
    capacity: null, cpuPerRequestMs: null, cpuNotMeasured: [], cpuVsSingle: null, generatorCpuPerRequestUs: null,
  };
}

async function sweepOne(mode: Mode, session: SweepSession, scenario: Scenario, sweep: SweepOptions): Promise<SweepTopology> {
  // Always probed, also with RATES=: the probe is the ceiling a capacity is checked against.
  const probe = (): Promise<number> => probeCapacity(session.url, Math.max(8, 4 * session.workers), scenario.timeoutMs, session.closedRun);
  const probeRps = await probe();
  const ladder = sweep.rates ?? bracketLadder(probeRps);
  const resolution = capacityResolution(probeRps);
  log(`${mode}: closed-loop probe ${probeRps.toFixed(0)} req/s → bracket ${ladder.join(', ')} req/s${sweep.rates === undefined ? '' : ' (RATES)'}, bisect to ${resolution} req/s`);
  let bar: Progress | undefined;
  const curve = await runCurve({
    url: session.url,
    settleUrl: session.settleUrl,
    ladder,
    resolution,
    probeRps,
    reprobe: async () => {
      await settle(session.settleUrl);
      const again = await probe();
      log(`${mode}: a confirmed pass above the closed-loop probe: probed again, ${again.toFixed(0)} req/s`);
      return again;
    },
    extend: sweep.rates === undefined,
    stepSeconds: sweep.stepSeconds,
    connections: sweep.connections,
    sloP99Ms: sweep.sloP99Ms,
    timeoutMs: scenario.timeoutMs,
    ...(session.runStep === undefined ? {} : { runStep: session.runStep }),
    ...(session.measureCpu === undefined ? {} : { measureCpu: session.measureCpu }),
    onProgress: (done, total) => {
      bar ??= progressReporter(`${mode} step`, total);
      bar.update(done, total);
    },
    onStep: (s, purpose, count) => {
      bar?.done();
      bar = undefined;
      log(`${mode} [${count}, ${purpose}] offered ${s.offeredRps} req/s: achieved ${s.achievedRps.toFixed(1)}, p99 ${s.latencyMs.p99.toFixed(1)} ms`
        + ` (uncorrected ${s.uncorrectedMs.p99.toFixed(1)}), dropped ${s.dropped}, errors ${s.errors.total + s.unfinished}, ${s.meetsObjective ? 'met' : 'missed'} the objective`);
    },
  });
  if (curve.skippedRates.length > 0) log(`${mode}: bracketed below ${curve.skippedRates.join(', ')} req/s (not run)`);
  const capacity = capacityText(curve.capacity);
  log(curve.capacity.fault === null ? `${mode}: capacity at p99 ≤ ${sweep.sloP99Ms} ms: ${capacity ?? '–'}` : `${mode}: MEASUREMENT FAULT: ${curve.capacity.fault}`);
  const summary = summarizeCurve({ mode, title: topology(mode).title, workers: session.workers, probeRps: curve.capacity.probeRps }, curve);
  return { ...summary, cpuNotMeasured: session.cpuNotMeasured };
}

export async function sweep(runtime: RuntimeWith<'sweep'>, plan: SweepPlan): Promise<SweepReport> {
  const { scenario, sweep: options } = plan;
  try {
    const machine = await runtime.sweep.machine();
    const generator = await runtime.sweep.generator();
    const topologies: SweepTopology[] = [];
    for (const mode of modesWithSingle(plan.modes)) {
      const reason = await runtime.sweep.unavailability(mode);
      if (reason !== null) {
        log(`${mode}: unavailable: ${reason}`);
        topologies.push(unavailableTopology(mode, workerCount(topology(mode), await runtime.workers()), reason));
        continue;
      }
      log(`${mode}: starting and warming up…`);
      const session = await runtime.sweep.start(mode, scenario);
      // start() warms every serving process to a steady CPU per request (steady/steady-state.ts) before the probe.
      try {
        topologies.push(await sweepOne(mode, session, scenario, options));
      } finally {
        await session.stop();
      }
    }
    const summarized = withCpuVsSingle(topologies);
    const report: SweepReport = {
      created: new Date().toISOString(),
      runtime: runtime.name,
      generator,
      machine,
      path: scenario.path,
      sloP99Ms: options.sloP99Ms,
      stepSeconds: options.stepSeconds,
      connections: options.connections,
      ratesFrom: options.rates === undefined ? 'probe' : 'RATES',
      topologies: summarized,
      faults: summarized.flatMap(capacityFaults),
      warnings: summarized.flatMap(generatorWarnings),
    };
    output({ text: formatSweepTable(report), name: 'sweep', data: report, html: renderSweepHtml(report) });
    return report;
  } finally {
    await runtime.close();
  }
}
