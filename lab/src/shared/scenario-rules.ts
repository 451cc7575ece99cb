/**
 * The scenario's rules, defined once for both load generators: how k6/scenario.json
 * is read and how REQUESTS, CONCURRENCY and TARGET_PATH override it. Pure code with
 * no Node import: the native lab imports it, and so does the k6 script (the k6
 * service mounts this file), so the two runtimes cannot drift apart.
 */
import type { Scenario } from '../model/report-model.js';

export type Env = Record<string, string | undefined>;

/**
 * A value the scenario's rules refuse: one line naming the variable and what is
 * accepted. The lab turns it into its UsageError (config/usage-error.ts); k6 stops on it.
 */
export class RefusedValue extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedValue';
  }
}

/** A variable's value, trimmed; empty counts as unset. */
export function envValue(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

export function integer(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = envValue(env, name);
  if (raw === undefined) return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new RefusedValue(`${name}=${raw} is not accepted: expected an integer from ${min} to ${max}`);
  }
  return n;
}

export function targetPath(env: Env): string | undefined {
  const raw = envValue(env, 'TARGET_PATH');
  if (raw === undefined) return undefined;
  // "//host/x" would make a URL resolver leave the topology for another host.
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\') || /\s/.test(raw)) {
    throw new RefusedValue(`TARGET_PATH=${raw} is not accepted: expected a path starting with /, e.g. /heavy?n=1000000`);
  }
  return raw;
}

export interface ScenarioOverrides {
  requests: number | undefined;
  concurrency: number | undefined;
  path: string | undefined;
  /** WARMUP_MIN: requests each serving process must have served before its warm-up can end. */
  steadyMinRequests?: number | undefined;
  /** WARMUP: requests per serving process in one warm-up window; 0 measures without a warm-up. */
  warmupRequests?: number | undefined;
}

export function scenarioOverrides(env: Env): ScenarioOverrides {
  return {
    requests: integer(env, 'REQUESTS', 1, 10_000_000),
    concurrency: integer(env, 'CONCURRENCY', 1, 10_000),
    path: targetPath(env),
    steadyMinRequests: integer(env, 'WARMUP_MIN', 0, 1_000_000),
    warmupRequests: integer(env, 'WARMUP', 0, 100_000),
  };
}

/** k6/scenario.json's text as a Scenario, its $comment left out. */
export function parseScenario(text: string): Scenario {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const scenario: Scenario = {
    path: String(raw['path']),
    requests: Number(raw['requests']),
    concurrency: Number(raw['concurrency']),
    keepAlive: raw['keepAlive'] !== false,
    timeoutMs: Number(raw['timeoutMs']),
    warmupRequests: Number(raw['warmupRequests'] ?? 0),
    steadyMinRequests: Number(raw['steadyMinRequests'] ?? 0),
  };
  for (const key of ['requests', 'concurrency', 'timeoutMs', 'warmupRequests', 'steadyMinRequests'] as const) {
    if (!Number.isInteger(scenario[key]) || scenario[key] < 0) throw new Error(`scenario.json: ${key} must be a non-negative integer`);
  }
  return scenario;
}

/** The overrides applied; never more connections than requests (idle connections would skew fairness). */
export function applyOverrides(base: Scenario, overrides: Partial<ScenarioOverrides>): Scenario {
  const scenario: Scenario = {
    ...base,
    requests: overrides.requests ?? base.requests,
    concurrency: overrides.concurrency ?? base.concurrency,
    path: overrides.path ?? base.path,
    steadyMinRequests: overrides.steadyMinRequests ?? base.steadyMinRequests,
    warmupRequests: overrides.warmupRequests ?? base.warmupRequests,
  };
  scenario.concurrency = Math.min(scenario.concurrency, scenario.requests);
  return scenario;
}
