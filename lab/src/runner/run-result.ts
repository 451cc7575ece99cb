/**
 * Turns what a run recorded into the RunResult the lab stores and reports.
 */
import type { RunResult } from '../model/report-model.js';
import type { LoadConnection } from './connection.js';
import type { LatencyDistribution } from './latency.js';
import type { NormalizedRunOptions } from './run-options.js';
import type { RunRecorder } from './recorder.js';
import { jainIndex, maxOverMedian } from './stats.js';
import { round } from '../model/numbers.js';

export interface RunMeasurements {
  options: NormalizedRunOptions;
  recorder: RunRecorder;
  connections: readonly LoadConnection[];
  /** First request sent to last request finished, ms, unrounded. */
  totalTimeMs: number;
  /** process.cpuUsage() delta over the run, microseconds (user + system). */
  cpuMicros: number;
}

export function buildRunResult(m: RunMeasurements): RunResult {
  const { options, recorder } = m;
  const perConnection = m.connections.map((c) => c.requests);
  return {
    target: options.url,
    requests: options.requests,
    concurrency: options.concurrency,
    keepAlive: options.keepAlive,
    timeoutMs: options.timeoutMs,
    completed: recorder.completed,
    errors: recorder.errors(),
    totalTimeMs: m.totalTimeMs,
    rps: m.totalTimeMs > 0 ? recorder.completed / (m.totalTimeMs / 1000) : 0,
    latencyMs: recorder.all.summary(),
    percentileCurve: recorder.all.curve(),
    perWorker: recorder.perWorkerRecord(),
    runnerCpuSeconds: m.cpuMicros / 1e6,
    connections: m.connections.map((c) => c.stats()),
    fairness: {
      jain: round(jainIndex(perConnection), 4),
      maxOverMedian: round(maxOverMedian(perConnection), 4),
    },
    firstVsLater: {
      first: brief(recorder.firstOnSocket),
      later: brief(recorder.laterOnSocket),
    },
    timeline: recorder.timeline(),
  };
}

function brief(d: LatencyDistribution): { count: number; p50: number; p99: number } {
  return { count: d.count, p50: d.at(50), p99: d.at(99) };
}
