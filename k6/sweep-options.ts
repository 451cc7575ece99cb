/**
 * The k6 sweep's variables (RATES, STEP_MS, CONNECTIONS, GAP_MS), read by the rules of
 * lab/src/shared/k6-sweep.ts, the module the lab reads the summary with. Pure code, no
 * k6 module: Node runs it too (lab/test/docker/k6-sweep.test.ts).
 */
import type { Env } from '../lab/src/shared/scenario-rules.ts';
import type { K6SweepPlan } from '../lab/src/shared/k6-sweep.ts';

export { rateScenarios, rateThresholds, sweepSummary, SWEEP_TREND_STATS, type SweepSummaryData } from '../lab/src/shared/k6-sweep.ts';

function positive(env: Env, name: string, fallback: number, integer: boolean): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new Error(`${name}=${raw} is not accepted: expected a positive ${integer ? 'integer' : 'number'}`);
  return n;
}

/** The plan from the environment; a bad value is one line naming the variable. */
export function sweepPlan(env: Env, timeoutMs: number): K6SweepPlan {
  const raw = env['RATES'] ?? '';
  const rates = raw.split(',').map((r) => Number(r.trim()));
  if (raw.trim() === '' || rates.some((r) => !Number.isFinite(r) || r <= 0)) throw new Error(`RATES=${raw} is not accepted: expected comma-separated request rates per second, e.g. RATES=50,100`);
  return {
    rates,
    stepMs: positive(env, 'STEP_MS', 4000, true),
    connections: positive(env, 'CONNECTIONS', 200, true),
    timeoutMs,
    gapMs: positive(env, 'GAP_MS', 1000, true),
  };
}
