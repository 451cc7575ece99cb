/**
 * A Docker sweep step by k6 (k6/sweep.ts, constant-arrival-rate) when its image exists:
 * the same service on the Compose network as compare's k6 run, each worker's CPU read
 * inside its container before and after (k6 reads no metrics). One rate per k6 run, so
 * that the sweep's own loop (settle, a second run of a missed step, stop after two
 * misses) is the same for every generator.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../model/report-model.js';
import { delta } from '../runner/worker-metrics.js';
import type { K6SweepSummary } from '../shared/k6-sweep.js';
import { testId } from '../shared/ids.js';
import { K6_STEP_UNMEASURED, stepFromK6 } from '../sweep/k6-step.js';
import type { StepRequest, StepRunner } from '../sweep/run-curve.js';
import { CONTAINER_APP_PORT, type Topology } from '../topologies.js';
import { K6_SERVICE } from './compose.js';
import { snapshotsInContainers } from './container-load.js';
import { placementOf, runQuiet, type DockerContext } from './engine.js';
import { workersCpu } from './workers-cpu.js';

export const K6_SWEEP_SCRIPT = 'sweep.ts';

/** `docker …` arguments (placement.ts: Compose or Swarm) of one k6 sweep run of one rate against a service. */
export function k6SweepArgs(ctx: DockerContext, t: Topology, scenario: Scenario, request: StepRequest, testid: string): string[] {
  const env = {
    BASE_URL: `http://${t.service ?? t.mode}:${CONTAINER_APP_PORT}`,
    LAB_MODE: t.mode,
    TESTID: testid,
    TARGET_PATH: scenario.path,
    RATES: String(request.rate),
    STEP_MS: String(Math.round(request.durationMs)),
    CONNECTIONS: String(request.connections),
  };
  return placementOf(ctx).oneOff({
    service: K6_SERVICE, alias: false, user: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`, env,
    command: ['run', '-o', 'experimental-prometheus-rw', K6_SWEEP_SCRIPT],
  });
}

export function k6SweepStep(ctx: DockerContext, t: Topology, scenario: Scenario, replicas: readonly string[], workers: number): StepRunner {
  return async (request) => {
    const testid = testId(t.mode, new Date());
    const before = await snapshotsInContainers(ctx, t, workers, replicas);
    // Made here, as the caller: a folder Docker creates for a mount belongs to root.
    mkdirSync(ctx.resultsDir, { recursive: true });
    await runQuiet(ctx, k6SweepArgs(ctx, t, scenario, request, testid), `k6's ${request.rate} req/s step against ${t.mode}`);
    const after = await snapshotsInContainers(ctx, t, workers, replicas);
    const file = join(ctx.resultsDir, `k6-sweep-${testid}.json`);
    const summary = JSON.parse(readFileSync(file, 'utf8')) as K6SweepSummary;
    rmSync(file, { force: true });
    const step = summary.steps[0];
    if (step === undefined) throw new Error(`k6's summary ${file} holds no step`);
    return { result: stepFromK6(step), cpu: workersCpu(delta(before, after)), unmeasured: [...K6_STEP_UNMEASURED] };
  };
}
