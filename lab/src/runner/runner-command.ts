/**
 * The lab's runner as a container runs it, defined once: the Docker runtime's runner
 * container (docker/docker-runtime.ts) and the Kubernetes Job (kubernetes/manifests.ts)
 * both run exactly this command line.
 */
import type { Scenario } from '../model/report-model.js';
import type { Mode } from '../topologies.js';
import { RUNNER_METRICS_PORT } from '../topologies.js';

/** The runner's entry, relative to the repository root (the container's working directory). */
export const RUNNER_SCRIPT = 'lab/dist/runner/runner-cli.js';

export interface RunnerRun {
  /** Service name (or container name) and port as the container's network resolves them. */
  url: string;
  requests: number;
  concurrency: number;
  scenario: Scenario;
  /** File name inside the results folder for the run's JSON, if one is wanted. */
  json?: string;
  metrics?: readonly string[];
  /** Spread the connections over every address of the URL's host (replicas behind DNS round-robin). */
  spreadDns?: boolean;
  /** A measured run's labels: its client-side metrics are served for Prometheus' lab-runner job. */
  export?: { mode: Mode; testid: string };
}

/** `node lab/dist/runner/runner-cli.js …` for one run; the JSON goes to resultsDir/run.json. */
export function runnerCommand(run: RunnerRun, resultsDir: string): string[] {
  return [
    'node', RUNNER_SCRIPT,
    '--url', run.url, '-n', String(run.requests), '-c', String(run.concurrency),
    '--timeout-ms', String(run.scenario.timeoutMs),
    ...(run.scenario.keepAlive ? [] : ['--no-keepalive']),
    ...(run.spreadDns === true ? ['--spread-dns'] : []),
    ...(run.json === undefined ? [] : ['--json', `${resultsDir}/${run.json}`]),
    ...(run.metrics ?? []).flatMap((m) => ['--metrics', m]),
    ...(run.export === undefined ? [] : ['--export-metrics', String(RUNNER_METRICS_PORT), '--mode', run.export.mode, '--testid', run.export.testid]),
  ];
}
