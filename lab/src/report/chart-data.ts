/**
 * What the HTML report's charts draw, computed here (typed, testable) and
 * inlined as JSON; the page's script only maps it onto Chart.js.
 */

import type { CompareReport, ModeReport } from '../model/report-model.js';
import { idPart } from './escape.js';
import { sortedWorkers } from './workers.js';
import { isMode, topology } from '../topologies.js';
import { notMeasured } from './format.js';
import { round } from '../model/numbers.js';

export interface ChartMode {
  mode: string;
  title: string;
  color: string;
  rps: { median: number; min: number; max: number };
  speedup: number;
  /** The median run's p99 latency, ms. */
  p99: number;
  /** Single's median requests/s × this mode's usable cores (null without single). */
  ideal: number | null;
  coresUsable: number;
  /** [percentile, ms] from the median run. */
  curve: [number, number][];
  workers: { label: string; requests: number; cpuSeconds: number }[];
  /** [completion ms since start, latency ms] from the median run. */
  timeline: [number, number][];
  /** Canvas id of this mode's timeline chart, or null when there is no timeline. */
  timelineChart: string | null;
  /** Requests each connection carried, largest first. */
  connections: number[];
  jain: number | null;
}

export interface ChartData {
  modes: ChartMode[];
  /** Shared axis limits of the timeline charts, so they compare at a glance. */
  timelineMax: { completionMs: number; latencyMs: number };
  /** Canvas id of every chart the page draws, in order. */
  charts: string[];
}

const FALLBACK_COLORS = ['#db2777', '#ca8a04', '#0d9488', '#4f46e5', '#b91c1c'];

export function modeColor(mode: string, index: number): string {
  return (isMode(mode) ? topology(mode).colour : undefined) ?? FALLBACK_COLORS[index % FALLBACK_COLORS.length] ?? '#333333';
}

export const TIMELINE_PREFIX = 'chart-timeline-';
export const COMMON_CHARTS = ['chart-rps', 'chart-latency', 'chart-workers', 'chart-cpu', 'chart-connections'] as const;

function chartMode(m: ModeReport, index: number, singleRps: number | null): ChartMode {
  const run = m.medianRun;
  const timeline = (run?.timeline ?? []).map(([t, l]): [number, number] => [round(t, 1), round(l, 1)]);
  return {
    mode: m.mode,
    title: m.title,
    color: modeColor(m.mode, index),
    rps: { ...m.rps },
    speedup: m.speedup,
    p99: m.latencyMs.p99,
    ideal: singleRps === null ? null : singleRps * m.coresUsable,
    coresUsable: m.coresUsable,
    curve: (run?.percentileCurve ?? []).map(([p, ms]): [number, number] => [p, round(ms, 2)]),
    workers: sortedWorkers(m.perWorker).map((w) => ({ label: String(w.worker), requests: w.requests, cpuSeconds: w.cpuSeconds })),
    timeline,
    timelineChart: timeline.length > 0 ? `${TIMELINE_PREFIX}${idPart(m.mode)}` : null,
    connections: (run?.connections ?? []).map((c) => c.requests).sort((a, b) => b - a),
    jain: run && notMeasured(run, 'connections') === null ? run.fairness.jain : null,
  };
}

export function buildChartData(report: CompareReport): ChartData {
  const single = report.modes.find((m) => m.mode === 'single' && m.available);
  const singleRps = single && single.rps.median > 0 ? single.rps.median : null;
  const modes = report.modes
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => m.available)
    .map(({ m, i }) => chartMode(m, i, singleRps));
  let completionMs = 0;
  let latencyMs = 0;
  for (const m of modes) {
    for (const [t, l] of m.timeline) {
      if (t > completionMs) completionMs = t;
      if (l > latencyMs) latencyMs = l;
    }
  }
  const charts = modes.length === 0
    ? []
    : [...COMMON_CHARTS, ...modes.flatMap((m) => (m.timelineChart ? [m.timelineChart] : []))];
  return { modes, timelineMax: { completionMs, latencyMs }, charts };
}
