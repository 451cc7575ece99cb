/**
 * Counting failures by kind for the resilience report (which kind a request met is
 * runner/outcome.ts's failureKind and statusFailure, the lab's one classifier).
 */
import { FAILURE_KINDS, type FailureCounts } from './types.js';

export function noFailures(): FailureCounts {
  return Object.fromEntries(FAILURE_KINDS.map((k) => [k, 0])) as FailureCounts;
}

export function totalFailures(counts: FailureCounts): number {
  return FAILURE_KINDS.reduce((sum, k) => sum + counts[k], 0);
}

/** "3 reset, 1 refused", or "none". */
export function describeFailures(counts: FailureCounts): string {
  const parts = FAILURE_KINDS.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}
