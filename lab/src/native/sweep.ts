/**
 * `lab sweep` on the native runtime: for each topology (MODE, default all; single is
 * always added as the reference for CPU per request), start it (owned by a RunScope,
 * so nothing is left behind), warm it up, probe its capacity unless RATES= is given,
 * run the open-model curve with CPU accounting from /proc, stop it, and report.
 */
import type { Scenario } from '../report-model.js';
import { progressReporter, type Progress } from '../runner/progress.js';
import { defaultRates } from '../sweep/analysis.js';
import type { SweepOptions } from '../sweep/sweep-options.js';
import { probeCapacity } from '../sweep/probe.js';
import { runCurve } from '../sweep/run-curve.js';
import { generatorWarnings, summarizeCurve, withCpuVsSingle } from '../sweep/summarize.js';
import type { SweepReport, SweepTopology } from '../sweep/types.js';
import { formatSweepTable } from '../report/sweep-terminal.js';
import { writeSweepReport } from '../report/sweep-write.js';
import { paths } from '../paths.js';
import { modesWithSingle, topology, workerCount, type Mode } from '../topologies.js';
import { contextFor, ensureRunning, requireBuiltApp, RunScope, unavailability, warm, type NativeOptions } from './native-runtime.js';
import { cpuDelta, snapshotCpu } from './process-cpu.js';
import { stopGroups } from './processes.js';
import type { RunningTopology } from './topology-runner.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function sweepOne(mode: Mode, running: RunningTopology, scenario: Scenario, sweep: SweepOptions): Promise<SweepTopology> {
  const t = topology(mode);
  const url = new URL(scenario.path, running.baseUrl).href;
  let probeRps: number | null = null;
  let rates = sweep.rates;
  if (rates === undefined) {
    probeRps = await probeCapacity(url, Math.max(8, 4 * running.workers), scenario.timeoutMs);
    rates = defaultRates(probeRps);
    log(`${mode}: closed-loop probe ${probeRps.toFixed(0)} req/s → rates ${rates.join(', ')}`);
  }
  let bar: Progress | undefined;
  const curve = await runCurve({
    url,
    rates,
    stepSeconds: sweep.stepSeconds,
    connections: sweep.connections,
    sloP99Ms: sweep.sloP99Ms,
    timeoutMs: scenario.timeoutMs,
    measureCpu: () => {
      const before = snapshotCpu(running.processes);
      return () => cpuDelta(before, snapshotCpu(running.processes));
    },
    onProgress: (done, total) => {
      bar ??= progressReporter(`${mode} step`, total);
      bar.update(done, total);
    },
    onStep: (s, i, total) => {
      bar?.done();
      bar = undefined;
      log(`${mode} [${i + 1}/${total}] offered ${s.offeredRps} req/s: achieved ${s.achievedRps.toFixed(1)}, p99 ${s.latencyMs.p99.toFixed(1)} ms`
        + ` (uncorrected ${s.uncorrectedMs.p99.toFixed(1)}), dropped ${s.dropped}, errors ${s.errors.total + s.unfinished}${s.meetsObjective ? '' : ', over the objective'}`);
    },
  });
  if (curve.skippedRates.length > 0) log(`${mode}: stopped after two steps over the objective; not run: ${curve.skippedRates.join(', ')} req/s`);
  return summarizeCurve({ mode, title: t.title, workers: running.workers, probeRps }, curve, sweep.sloP99Ms);
}

export async function nativeSweep(options: NativeOptions, sweep: SweepOptions): Promise<SweepReport> {
  requireBuiltApp();
  const { scenario, machine, app } = contextFor(options);
  const modes = modesWithSingle(options.modes);
  const scope = new RunScope();
  try {
    const topologies: SweepTopology[] = [];
    for (const mode of modes) {
      const t = topology(mode);
      const reason = unavailability(mode, app, options.setup);
      if (reason) {
        log(`${mode}: unavailable: ${reason}`);
        topologies.push({ mode, title: t.title, workers: workerCount(t, options.workers), available: false, reason, probeRps: null, steps: [], skippedRates: [], knee: null, capacityAtObjective: null, cpuPerRequestMs: null, cpuVsSingle: null, generatorCpuPerRequestUs: null });
        continue;
      }
      const { running, ownedByThisRun } = await ensureRunning(mode, options, scope);
      try {
        log(`${mode}: warming up…`);
        await warm(running, scenario);
        topologies.push(await sweepOne(mode, running, scenario, sweep));
      } finally {
        // One topology at a time on the machine: the next one's curve must not share its cores with this one.
        if (ownedByThisRun) await stopGroups([mode]);
      }
    }
    const summarized = withCpuVsSingle(topologies);
    const report: SweepReport = {
      created: new Date().toISOString(),
      runtime: 'native',
      machine,
      path: scenario.path,
      sloP99Ms: sweep.sloP99Ms,
      stepSeconds: sweep.stepSeconds,
      connections: sweep.connections,
      ratesFrom: sweep.rates === undefined ? 'probe' : 'RATES',
      topologies: summarized,
      warnings: summarized.flatMap(generatorWarnings),
    };
    process.stdout.write(`\n${formatSweepTable(report)}\n`);
    const written = writeSweepReport(report, paths.results);
    log(`wrote ${written.json} and ${written.html}`);
    return report;
  } finally {
    await scope.close();
  }
}
