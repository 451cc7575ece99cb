/**
 * Which effect dominated a topology's latency tail, told in one sentence built
 * only from the measured figures.
 *
 * Every candidate effect is given the milliseconds of tail latency it accounts
 * for, so they compare in one currency:
 * - starvation: the first request on a connection against the later ones
 *   (first-request p99 − later p99), when late connections waited at least twice
 *   as long as the rest;
 * - handler: time spent in the handler itself (server-side mean);
 * - queueing: the rest of the later requests' p99, waiting behind CPU work;
 * - imbalance: the part of that queueing owed to the busiest worker taking more
 *   than its fair share (>20% above it) of requests or CPU.
 * The largest wins; its sentence quotes the figures it was chosen from.
 */

import type { ModeReport, PerWorker } from '../model/report-model.js';
import { fmtJain, fmtMs, fmtPercent, fmtRps, notMeasured } from './format.js';
import { serverMeanMs, sortedWorkers } from './workers.js';

export type TailEffect = 'starvation' | 'imbalance' | 'queueing' | 'handler';

export interface TailCandidate {
  effect: TailEffect;
  /** Milliseconds of tail latency the effect accounts for. */
  ms: number;
  sentence: string;
}

/** First-request p99 at least this many times the later p99 counts as starvation. */
export const STARVATION_RATIO = 2;
/** Busiest worker's share over the fair share above this counts as imbalance. */
export const IMBALANCE_RATIO = 1.2;
/** Jain index from which connections are said to be served fairly. */
export const FAIR_JAIN = 0.9;

interface Service {
  ms: number;
  /** Measured by the workers (true) or estimated from single's requests/s. */
  measured: boolean;
  /** Single's median requests/s when estimated. */
  singleRps?: number;
}

function serviceTime(mode: ModeReport, single: ModeReport | undefined): Service | null {
  const measured = serverMeanMs(mode.perWorker);
  if (measured !== null) return { ms: measured, measured: true };
  if (single?.available && single.rps.median > 0) {
    return { ms: 1000 / single.rps.median, measured: false, singleRps: single.rps.median };
  }
  return null;
}

interface Imbalance {
  worker: string;
  requestShare: number;
  cpuShare: number;
  fairShare: number;
  /** Largest share over the fair share. */
  factor: number;
}

function imbalance(mode: ModeReport): Imbalance | null {
  const workers = sortedWorkers(mode.perWorker);
  const [first] = workers;
  if (first === undefined || workers.length < 2) return null;
  const totalRequests = workers.reduce((s, w) => s + w.requests, 0);
  const totalCpu = workers.reduce((s, w) => s + w.cpuSeconds, 0);
  if (totalRequests <= 0) return null;
  const byRequests = workers.reduce((a, w) => (w.requests > a.requests ? w : a), first);
  const byCpu = workers.reduce((a, w) => (w.cpuSeconds > a.cpuSeconds ? w : a), first);
  const requestShare = (w: PerWorker): number => w.requests / totalRequests;
  const cpuShare = (w: PerWorker): number => (totalCpu > 0 ? w.cpuSeconds / totalCpu : 0);
  // Quote the worker whose share (of requests or of CPU) strays furthest above fair.
  const worker = cpuShare(byCpu) > requestShare(byRequests) ? byCpu : byRequests;
  const fairShare = 1 / workers.length;
  return {
    worker: String(worker.worker),
    requestShare: requestShare(worker),
    cpuShare: cpuShare(worker),
    fairShare,
    factor: Math.max(requestShare(byRequests), cpuShare(byCpu)) / fairShare,
  };
}

function fairnessClause(jain: number | undefined): string {
  if (jain === undefined) return '';
  return jain >= FAIR_JAIN
    ? `, with every connection served fairly (Jain ${fmtJain(jain)})`
    : `, with connections served unevenly (Jain ${fmtJain(jain)})`;
}

function handlerClause(clientMean: number, service: Service | null): string {
  if (service === null) return '';
  if (service.measured) {
    return `; of the client's ${fmtMs(clientMean)} ms mean wait, ${fmtMs(service.ms)} ms was spent in the handler`;
  }
  return `; at about ${fmtMs(service.ms)} ms of CPU per request (1000 / single's ${fmtRps(service.singleRps ?? 0)} req/s), `
    + `the client's ${fmtMs(clientMean)} ms mean wait is ${Math.round(clientMean / service.ms)} requests' worth of queue`;
}

/** Every effect that qualifies, largest first. */
export function tailCandidates(mode: ModeReport, single: ModeReport | undefined): TailCandidate[] {
  const run = mode.medianRun;
  const p99 = run?.latencyMs.p99 ?? mode.latencyMs.p99;
  const clientMean = mode.latencyMs.mean;
  const jain = notMeasured(run, 'connections') === null ? run?.fairness.jain : undefined;
  const fv = run?.firstVsLater;
  const hasFirstLater = fv !== undefined && fv.first.count > 0 && fv.later.count > 0;
  const laterP99 = hasFirstLater ? fv.later.p99 : p99;
  const service = serviceTime(mode, single);
  const candidates: TailCandidate[] = [];

  if (hasFirstLater && fv.later.p99 > 0 && fv.first.p99 >= STARVATION_RATIO * fv.later.p99) {
    candidates.push({
      effect: 'starvation',
      ms: fv.first.p99 - fv.later.p99,
      sentence: `late connections waited: first-request p99 ${fmtMs(fv.first.p99)} ms against ${fmtMs(fv.later.p99)} ms `
        + `for later requests (${(fv.first.p99 / fv.later.p99).toFixed(1)}×)`
        + (jain === undefined ? '' : `, Jain fairness ${fmtJain(jain)}`),
    });
  }

  const queueMs = Math.max(0, laterP99 - (service?.ms ?? 0));
  const imb = imbalance(mode);
  const imbalanced = imb !== null && imb.factor > IMBALANCE_RATIO;
  if (imbalanced) {
    candidates.push({
      effect: 'imbalance',
      ms: queueMs * (1 - 1 / imb.factor),
      sentence: `workers were unevenly loaded: worker ${imb.worker} took ${fmtPercent(imb.requestShare)} of requests `
        + `and ${fmtPercent(imb.cpuShare)} of the CPU time against a fair share of ${fmtPercent(imb.fairShare)}, `
        + `p99 ${fmtMs(p99)} ms`,
    });
  }

  if (service?.measured && clientMean > 0) {
    candidates.push({
      effect: 'handler',
      ms: service.ms,
      sentence: `the handler itself dominated: of the client's ${fmtMs(clientMean)} ms mean wait, `
        + `${fmtMs(service.ms)} ms (${fmtPercent(service.ms / clientMean)}) was spent in the handler, p99 ${fmtMs(p99)} ms`,
    });
  }

  candidates.push({
    effect: 'queueing',
    ms: imbalanced ? queueMs / imb.factor : queueMs,
    sentence: `requests queued behind CPU work: p99 ${fmtMs(p99)} ms${fairnessClause(jain)}${handlerClause(clientMean, service)}`,
  });

  return candidates.sort((a, b) => b.ms - a.ms);
}

/** One sentence: the effect that dominated the mode's tail, with the figures it rests on. */
export function explainTail(mode: ModeReport, single: ModeReport | undefined): string {
  if (!mode.available) return `unavailable: ${mode.reason ?? 'no reason given'}`;
  if (mode.completed === 0) return `no request completed (${mode.errors} errors)`;
  const [dominant] = tailCandidates(mode, single);
  const sentence = dominant?.sentence ?? `p99 ${fmtMs(mode.latencyMs.p99)} ms`;
  const errors = mode.errors > 0 ? `; ${mode.errors} ${mode.errors === 1 ? 'request' : 'requests'} failed` : '';
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${errors}.`;
}
