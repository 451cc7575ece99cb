/** The data sweep.html and scale.html inline for their charts (drawn by browser/sweep-charts.js). */
import type { ScaleReport } from '../model/scale.js';
import type { SweepReport } from '../model/sweep.js';
import { modeColor } from './chart-data.js';
import { idPart } from './escape.js';
import { uslThroughput } from '../model/scale.js';

export interface Point {
  x: number;
  y: number;
}

export type SweepChart =
  | { id: string; kind: 'p99'; sloP99Ms: number; xMin: number; xMax: number; series: { label: string; color: string; points: Point[]; met: boolean[] }[] }
  | { id: string; kind: 'achieved'; xMax: number; series: { label: string; color: string; points: Point[] }[] }
  | { id: string; kind: 'detail'; mode: string; sloP99Ms: number; xMin: number; xMax: number; series: { label: string; color: string; dashed: boolean; points: Point[] }[] };

export type ScaleChart =
  | { id: string; kind: 'scale'; color: string; measured: Point[]; runs: Point[]; fitted: Point[]; linear: Point[] }
  | { id: string; kind: 'residuals'; labels: string[]; values: number[] };

/** A latency of 0 cannot sit on a log axis: floor it at 0.01 ms. */
const logSafe = (ms: number): number => Math.max(0.01, Math.round(ms * 100) / 100);

export const DETAIL_PREFIX = 'chart-sweep-detail-';

export function sweepCharts(report: SweepReport): SweepChart[] {
  const ran = report.topologies.filter((t) => t.available && t.steps.length > 0);
  if (ran.length === 0) return [];
  const rates = ran.flatMap((t) => t.steps.map((s) => s.offeredRps));
  const xMin = Math.min(...rates);
  const xMax = Math.max(...rates);
  const color = (mode: string, i: number): string => modeColor(mode, i);
  const charts: SweepChart[] = [
    {
      id: 'chart-sweep-p99',
      kind: 'p99',
      sloP99Ms: report.sloP99Ms,
      xMin,
      xMax,
      series: ran.map((t, i) => ({
        label: t.mode,
        color: color(t.mode, i),
        points: t.steps.map((s) => ({ x: s.offeredRps, y: logSafe(s.latencyMs.p99) })),
        met: t.steps.map((s) => s.meetsObjective),
      })),
    },
    {
      id: 'chart-sweep-achieved',
      kind: 'achieved',
      xMax,
      series: ran.map((t, i) => ({ label: t.mode, color: color(t.mode, i), points: t.steps.map((s) => ({ x: s.offeredRps, y: Math.round(s.achievedRps * 10) / 10 })) })),
    },
  ];
  for (const t of ran) {
    const pts = (pick: (s: (typeof t.steps)[number]) => number): Point[] => t.steps.map((s) => ({ x: s.offeredRps, y: logSafe(pick(s)) }));
    charts.push({
      id: `${DETAIL_PREFIX}${idPart(t.mode)}`,
      kind: 'detail',
      mode: t.mode,
      sloP99Ms: report.sloP99Ms,
      xMin,
      xMax,
      series: [
        { label: 'p50', color: '#16a34a', dashed: false, points: pts((s) => s.latencyMs.p50) },
        { label: 'p90', color: '#2563eb', dashed: false, points: pts((s) => s.latencyMs.p90) },
        { label: 'p99', color: '#7c3aed', dashed: false, points: pts((s) => s.latencyMs.p99) },
        { label: 'p99.9', color: '#0f172a', dashed: false, points: pts((s) => s.latencyMs.p999) },
        { label: 'p99 uncorrected', color: '#7c3aed', dashed: true, points: pts((s) => s.uncorrectedMs.p99) },
      ],
    });
  }
  return charts;
}

export function scaleCharts(report: ScaleReport): ScaleChart[] {
  if (report.points.length === 0) return [];
  const maxN = Math.max(...report.points.map((p) => p.workers));
  const fit = report.fit;
  const curve: Point[] = [];
  const linear: Point[] = [];
  if (fit !== null) {
    const top = Math.max(maxN, Math.min(4 * maxN, Math.ceil(fit.peakWorkers ?? maxN)));
    for (let n = 1; n <= top; n += 0.25) {
      curve.push({ x: n, y: Math.round(uslThroughput(n, fit.lambda, fit.sigma, fit.kappa) * 10) / 10 });
    }
    linear.push({ x: 1, y: fit.lambda }, { x: maxN, y: fit.lambda * maxN });
  }
  const charts: ScaleChart[] = [
    {
      id: 'chart-scale',
      kind: 'scale',
      color: modeColor(report.mode, 0),
      measured: report.points.map((p) => ({ x: p.workers, y: Math.round(p.rps * 10) / 10 })),
      runs: report.points.flatMap((p) => p.runs.map((r) => ({ x: p.workers, y: Math.round(r * 10) / 10 }))),
      fitted: curve,
      linear,
    },
  ];
  if (fit !== null) {
    charts.push({
      id: 'chart-scale-residuals',
      kind: 'residuals',
      labels: fit.residuals.map((r) => String(r.workers)),
      values: fit.residuals.map((r) => Math.round(r.relative * 1000) / 10),
    });
  }
  return charts;
}
