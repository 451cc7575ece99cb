/**
 * The lab's inputs: the make variables (MODE, WORKERS, REQUESTS, CONCURRENCY,
 * TARGET_PATH, REPEAT, RUNTIME, NODE), read from the environment once and
 * validated. A bad value is one line naming the variable and what is accepted.
 */
import { availableParallelism } from 'node:os';
import { scenarioOverrides } from '../shared/scenario-rules.js';
import type { RuntimeName } from '../model/report-model.js';
import { MAX_WORKERS, MODES, isMode, type Mode } from '../topologies.js';
import { usage } from './usage-error.js';
import { envValue as value, integer, UsageError, type Env } from './values.js';

export { integer, UsageError };

export type RuntimeChoice = 'auto' | RuntimeName;


export function modeList(env: Env, name = 'MODE'): Mode[] | undefined {
  const raw = value(env, name);
  if (raw === undefined) return undefined;
  const modes = raw.split(',').map((m) => m.trim());
  for (const m of modes) {
    if (!isMode(m)) throw new UsageError(`${name}=${raw} is not accepted: expected one of ${MODES.join(', ')} (comma-separated for several)`);
  }
  return [...new Set(modes as Mode[])];
}

export function runtimeChoice(env: Env): RuntimeChoice {
  const raw = value(env, 'RUNTIME') ?? 'auto';
  if (raw !== 'auto' && raw !== 'native' && raw !== 'docker' && raw !== 'swarm' && raw !== 'kubernetes') {
    throw new UsageError(`RUNTIME=${raw} is not accepted: expected auto, native, docker, swarm or kubernetes`);
  }
  return raw;
}

export interface LabOptions {
  modes: Mode[] | undefined;
  workers: number;
  /** Whether WORKERS was given (the Docker runtime has a default of its own). */
  workersGiven: boolean;
  requests: number | undefined;
  concurrency: number | undefined;
  path: string | undefined;
  /** WARMUP: requests per serving process in one warm-up window (undefined: k6/scenario.json's). */
  warmupRequests: number | undefined;
  /** WARMUP_MIN: requests each serving process serves before it can count as warm (undefined: k6/scenario.json's). */
  steadyMinRequests: number | undefined;
  /** REPEAT: a fixed count, or undefined (REPEAT=auto, the default): repeat until the interval is tight or the budget runs out. */
  repeat: number | undefined;
  runtime: RuntimeChoice;
  /** Node binary that runs the app natively (NODE=); undefined: Node 24 from tools/node24, as in the image. */
  node: string | undefined;
}

export function readOptions(env: Env): LabOptions {
  const workers = integer(env, 'WORKERS', 1, MAX_WORKERS);
  const { requests, concurrency, path, warmupRequests, steadyMinRequests } = usage(() => scenarioOverrides(env));
  return {
    modes: modeList(env),
    workers: workers ?? availableParallelism(),
    workersGiven: workers !== undefined,
    requests,
    concurrency,
    path,
    warmupRequests,
    steadyMinRequests,
    repeat: repeatCount(env),
    runtime: runtimeChoice(env),
    node: value(env, 'NODE'),
  };
}

/** REPEAT: auto (undefined, the default) or a fixed count from 1 to 100. */
export function repeatCount(env: Env): number | undefined {
  const raw = value(env, 'REPEAT');
  if (raw === undefined || raw === 'auto') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 100) {
    throw new UsageError(`REPEAT=${raw} is not accepted: expected auto (repeat until the 95% interval is within ±3%) or an integer from 1 to 100`);
  }
  return Number(raw);
}

/** DURATION (whole seconds, 1..3600): `bench` repeats the scenario back to back that long. */
export function durationSeconds(env: Env): number | undefined {
  return integer(env, 'DURATION', 1, 3600);
}

/** SWARM_INIT (up with RUNTIME=swarm): yes lets the lab create a one-node swarm where the engine is in none; no (the default) only says how. */
export function swarmInit(env: Env): boolean {
  const raw = value(env, 'SWARM_INIT') ?? 'no';
  if (raw !== 'yes' && raw !== 'no') throw new UsageError(`SWARM_INIT=${raw} is not accepted: expected yes (create a one-node swarm if the engine is in none) or no`);
  return raw === 'yes';
}
