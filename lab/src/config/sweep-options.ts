/**
 * The sweep's and the scale run's own variables, validated before anything starts:
 * RATES, SLO_P99_MS, STEP_SECONDS, SWEEP_CONNECTIONS. A bad value is one line naming
 * the variable and what is accepted (a UsageError: exit 2).
 */
import { DEFAULT_SLO_P99_MS } from '../sweep/analysis.js';
import { decimal, envValue, UsageError, type Env } from './values.js';

/** Most steps one sweep may run, so a sweep stays bounded in time. */
export const MAX_STEPS = 20;
export const MAX_RATE = 100_000;
export const DEFAULT_STEP_SECONDS = 4;
export const DEFAULT_SWEEP_CONNECTIONS = 200;

export interface SweepOptions {
  /** The capacity search's bracket ladder, ascending (bisection adds rates between its rungs); undefined: shares of the closed-loop probe. */
  rates: number[] | undefined;
  sloP99Ms: number;
  stepSeconds: number;
  connections: number;
}

export function parseRates(env: Env): number[] | undefined {
  const raw = envValue(env, 'RATES');
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((p) => p.trim());
  const rates = parts.map((p) => (/^\d+(\.\d+)?$/.test(p) ? Number(p) : Number.NaN));
  if (parts.length > MAX_STEPS || rates.some((r) => !Number.isFinite(r) || r <= 0 || r > MAX_RATE)) {
    throw new UsageError(`RATES=${raw} is not accepted: expected up to ${MAX_STEPS} comma-separated request rates per second, each above 0 and at most ${MAX_RATE}, e.g. RATES=50,100,200`);
  }
  return [...new Set(rates)].sort((a, b) => a - b);
}

export function readSweepOptions(env: Env): SweepOptions {
  const connections = decimal(env, 'SWEEP_CONNECTIONS', 1, 10_000, 'an integer');
  if (connections !== undefined && !Number.isInteger(connections)) {
    throw new UsageError(`SWEEP_CONNECTIONS=${envValue(env, 'SWEEP_CONNECTIONS')} is not accepted: expected an integer from 1 to 10000`);
  }
  return {
    rates: parseRates(env),
    sloP99Ms: decimal(env, 'SLO_P99_MS', 1, 600_000, 'milliseconds') ?? DEFAULT_SLO_P99_MS,
    stepSeconds: decimal(env, 'STEP_SECONDS', 0.5, 60, 'seconds') ?? DEFAULT_STEP_SECONDS,
    connections: connections ?? DEFAULT_SWEEP_CONNECTIONS,
  };
}
