/**
 * `lab scale`, for a runtime that declares the scale capability (native): one
 * multi-process topology at WORKERS = 1, 2, … up to the cores this process may use (or
 * WORKERS, when given, as the largest count), the closed-loop scenario repeated at each
 * size. A topology runs on its mode's fixed port, so sizes cannot run side by side, and
 * a restart throws away the JIT's work (V8's TurboFan wave comes after ~10,700 requests
 * per process, docs/steady-state.md): each size is started once, warmed to a steady CPU
 * per request in every process, then repeated (adaptive by default, stats/adaptive.ts;
 * REPEAT=n for exactly n), then stopped. Drift on a shared machine is no longer spread
 * by interleaving but watched: the repetitions' intervals say how steady each size was.
 * Then each size's figures with their intervals and, over the sizes within the cores, a
 * Universal Scalability Law fit with bootstrap intervals (scale/analysis.ts).
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '../config/usage-error.js';
import type { RuntimeWith } from '../core/runtime.js';
import { busyCores } from '../machine-load.js';
import { INTERVAL_METHOD } from '../model/interval.js';
import type { Scenario } from '../model/report-model.js';
import type { ScaleReport, ScaleRepetition } from '../model/scale.js';
import { formatScaleTable } from '../report/scale-terminal.js';
import { renderScaleHtml } from '../report/sweep-html.js';
import { analyseScale } from '../scale/analysis.js';
import { scalePlan, scaleSizes } from '../scale/schedule.js';
import { shouldStop } from '../stats/adaptive.js';
import { topology, type Mode } from '../topologies.js';
import { output } from './output.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export interface ScalePlan {
  scenario: Scenario;
  /** Largest worker count; default (in the CLI) the available parallelism. */
  maxWorkers: number;
  /** REPEAT=n: exactly n repetitions per size; undefined: adaptive. */
  repeat: number | undefined;
}

/** The mode, when it runs WORKERS processes; a UsageError otherwise. */
export function scalableMode(mode: Mode): Mode {
  if (!topology(mode).multiProcess) throw new UsageError(`MODE=${mode} is not accepted by scale: expected a multi-process topology (cluster, cluster-none, pm2, nginx, reuseport)`);
  return mode;
}

export async function scale(runtime: RuntimeWith<'scale'>, mode: Mode, plan: ScalePlan): Promise<ScaleReport> {
  const t = topology(scalableMode(mode));
  const { scenario } = plan;
  try {
    const machine = await runtime.machine();
    const reason = await runtime.unavailability(mode);
    if (reason) throw new Error(`MODE=${mode} is unavailable here: ${reason}`);
    const cores = availableParallelism();
    const sizes = scaleSizes(plan.maxWorkers);
    const rule = scalePlan(plan.repeat);
    const busy = await busyCores(cores);
    const bySize = new Map<number, ScaleRepetition[]>(sizes.map((n) => [n, []]));
    const stops: string[] = [];
    for (const workers of sizes) {
      const size = await runtime.scale.start(mode, workers, scenario);
      try {
        const began = Date.now();
        for (let rep = 1; ; rep++) {
          const r = await size.measure(rep, scenario);
          const reps = bySize.get(workers) ?? [];
          reps.push(r);
          bySize.set(workers, reps);
          log(`${mode} WORKERS=${workers} repetition ${rep}: ${r.rps.toFixed(1)} req/s, p99 ${r.p99Ms.toFixed(0)} ms, ${r.errors} errors`);
          const stop = shouldStop(reps.map((x) => x.rps), Date.now() - began, rule);
          if (stop !== null) {
            stops.push(`${workers} worker${workers === 1 ? '' : 's'}: ${stop.text}`);
            break;
          }
        }
      } finally {
        await size.stop();
      }
    }
    const analysis = analyseScale(sizes.map((workers) => ({ workers, repetitions: bySize.get(workers) ?? [] })), cores);
    const report: ScaleReport = {
      created: new Date().toISOString(),
      runtime: runtime.name,
      machine: { ...machine, busyCoresAtStart: busy },
      mode,
      title: t.title,
      scenario,
      repeat: Math.min(...[...bySize.values()].map((r) => r.length)),
      repetitions: stops.join('; '),
      cores,
      ...analysis,
      intervalMethod: INTERVAL_METHOD,
    };
    output({ text: formatScaleTable(report), name: 'scale', data: report, html: renderScaleHtml(report) });
    return report;
  } finally {
    await runtime.close();
  }
}
