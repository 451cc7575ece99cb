/**
 * `lab scale` on the native runtime: one multi-process topology at WORKERS = 1, 2, …
 * up to twice the cores (or WORKERS, when given, as the largest count), the closed-loop
 * scenario (the existing runner) REPEAT times at each (default 1), then a Universal
 * Scalability Law fit of throughput against workers. Each size is started and stopped
 * in turn, owned by a RunScope.
 */
import { median } from '../runner/stats.js';
import { runLoad } from '../runner/run-load.js';
import { scenarioRunOptions } from '../runner/run-options.js';
import { progressReporter } from '../runner/progress.js';
import { fitUsl } from '../scale/usl.js';
import type { ScaleReport, ScaleRun } from '../scale/types.js';
import { formatScaleTable } from '../report/scale-terminal.js';
import { writeScaleReport } from '../report/sweep-write.js';
import { paths } from '../paths.js';
import { UsageError } from '../lab-options.js';
import { topology, type Mode } from '../topologies.js';
import { contextFor, ensureRunning, requireBuiltApp, RunScope, unavailability, warm, type NativeOptions } from './native-runtime.js';
import { cpuDelta, snapshotCpu, totalCpu } from './process-cpu.js';
import { stopGroups } from './processes.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export interface ScaleOptions {
  /** Largest worker count. */
  maxWorkers: number;
  repeat: number;
}

/** The mode, when it runs WORKERS processes; a UsageError otherwise. */
export function scalableMode(mode: Mode): Mode {
  if (!topology(mode).multiProcess) throw new UsageError(`MODE=${mode} is not accepted by scale: expected a multi-process topology (cluster, cluster-none, pm2, nginx, reuseport)`);
  return mode;
}

export async function nativeScale(mode: Mode, options: NativeOptions, scale: ScaleOptions): Promise<ScaleReport> {
  const t = topology(scalableMode(mode));
  requireBuiltApp();
  const { scenario, machine, app } = contextFor(options);
  const reason = unavailability(mode, app, options.setup);
  if (reason) throw new Error(`MODE=${mode} is unavailable here: ${reason}`);
  const scope = new RunScope();
  const points: ScaleRun[] = [];
  try {
    for (let workers = 1; workers <= scale.maxWorkers; workers++) {
      const { running, ownedByThisRun } = await ensureRunning(mode, { ...options, workers }, scope);
      try {
        await warm(running, scenario);
        const runs: { rps: number; p99: number; errors: number; cpuMs: number | null }[] = [];
        for (let i = 1; i <= scale.repeat; i++) {
          const label = `${mode} WORKERS=${workers} ${i}/${scale.repeat}`;
          const progress = progressReporter(label, scenario.requests);
          const before = snapshotCpu(running.processes);
          const result = await runLoad({ ...scenarioRunOptions(running.baseUrl, scenario), onProgress: progress.update });
          const cpu = totalCpu(cpuDelta(before, snapshotCpu(running.processes)));
          progress.done();
          runs.push({ rps: result.rps, p99: result.latencyMs.p99, errors: result.errors.total, cpuMs: result.completed > 0 ? (cpu * 1000) / result.completed : null });
          log(`${label}: ${result.rps.toFixed(1)} req/s, p99 ${result.latencyMs.p99.toFixed(0)} ms, ${result.errors.total} errors`);
        }
        const byRps = [...runs].sort((a, b) => a.rps - b.rps);
        const mid = byRps[Math.floor((byRps.length - 1) / 2)];
        points.push({
          workers,
          rps: median(runs.map((r) => r.rps)),
          runs: runs.map((r) => r.rps),
          p99Ms: mid?.p99 ?? 0,
          errors: runs.reduce((n, r) => n + r.errors, 0),
          cpuPerRequestMs: mid?.cpuMs ?? null,
        });
      } finally {
        if (ownedByThisRun) await stopGroups([mode]);
      }
    }
    let fit: ScaleReport['fit'] = null;
    const warnings: string[] = [];
    try {
      fit = fitUsl(points.map((p) => ({ workers: p.workers, rps: p.rps })));
      if (fit.maxRelativeResidual > 0.1) warnings.push(`the USL fit is poor: a residual reaches ${(fit.maxRelativeResidual * 100).toFixed(0)}% of the fitted throughput`);
    } catch (error) {
      warnings.push(`no USL fit: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (points.some((p) => p.errors > 0)) warnings.push('some runs had errors: their throughput counts failed requests too');
    const report: ScaleReport = { created: new Date().toISOString(), runtime: 'native', machine, mode, title: t.title, scenario, repeat: scale.repeat, points, fit, warnings };
    process.stdout.write(`\n${formatScaleTable(report)}\n`);
    const written = writeScaleReport(report, paths.results);
    log(`wrote ${written.json} and ${written.html}`);
    return report;
  } finally {
    await scope.close();
  }
}
