/**
 * One rate of k6's constant-arrival-rate sweep as a sweep step. k6 measures from the
 * actual send: its latency fills the uncorrected figure, and, so that the knee and the
 * objective can be read at all, the step's latency too, with the corrected figure, the
 * generator's lag, its CPU and its wait for a connection listed as not measured by k6
 * (the report says so, never shows them as figures). A request k6 could not start on
 * time is a dropped iteration: reported as dropped.
 */
import type { OpenStepResult } from '../runner/open-model.js';
import type { K6SweepStep } from '../shared/k6-sweep.js';

/** Figures of a step its generator cannot measure (k6). */
export type StepUnmeasured = 'correctedLatency' | 'schedulerLag' | 'generatorCpu' | 'queuedForConnection';
export const K6_STEP_UNMEASURED: readonly StepUnmeasured[] = ['correctedLatency', 'schedulerLag', 'generatorCpu', 'queuedForConnection'];

export function stepFromK6(s: K6SweepStep): OpenStepResult {
  return {
    offeredRps: s.offeredRps,
    achievedRps: s.achievedRps,
    scheduled: Math.max(1, Math.floor((s.offeredRps * s.durationMs) / 1000)),
    sent: s.sent,
    responses: s.sent,
    queuedForConnection: 0,
    dropped: s.dropped,
    unfinished: 0,
    // k6 counts a failure without saying which kind: all of them count as errors, none as a kind it did not see.
    errors: { non2xx: 0, socket: 0, timeout: 0, total: s.failed },
    latencyMs: { ...s.latencyMs },
    uncorrectedMs: { ...s.latencyMs },
    schedulerLagMs: { p99: 0, max: 0 },
    generatorCpuSeconds: 0,
    wallMs: s.durationMs,
    connections: s.connections,
    durationMs: s.durationMs,
  };
}
