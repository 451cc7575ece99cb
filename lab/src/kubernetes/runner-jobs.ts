/**
 * The runner Jobs RUNTIME=kubernetes runs, one at a time: the Job `make k8s` renders for a
 * topology (manifests.ts), for this run's scenario, piped to `kubectl create -f -`; waited
 * for until it completes or fails; its log read back. Every kubectl call goes through the
 * injected Kubectl.
 */
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { Scenario } from '../model/report-model.js';
import { runnerCommand } from '../runner/runner-command.js';
import { kubectlOk, lastLine, type Kubectl } from './kubectl.js';
import {
  JOB_DEADLINE_SECONDS, JOBS_DIR, jobName, jobRun, LABELS, manifestFiles, NAMESPACE, RESULTS_DIR, type KubernetesTopology,
} from './manifests.js';

/** Each `kubectl wait` lasts at most this long; between two, the Job is checked for a failure. */
export const WAIT_SLICE_SECONDS = 10;
/** Past the Job's own deadline (activeDeadlineSeconds), the lab stops waiting. */
export const JOB_WAIT_LIMIT_MS = (JOB_DEADLINE_SECONDS + 60) * 1000;

const ns = ['-n', NAMESPACE] as const;

/** The label selector of the runner Jobs: of one topology, or all of them. */
export function runnerSelector(mode?: string): string {
  return [`${LABELS.partOf}=${NAMESPACE}`, `${LABELS.component}=runner`, ...(mode === undefined ? [] : [`${LABELS.mode}=${mode}`])].join(',');
}

/**
 * The Job `make k8s` renders for `k` with this scenario (deploy/kubernetes/jobs/ holds it
 * for k6/scenario.json's), its runner's arguments followed by `extraArgs`: as JSON, which
 * `kubectl create -f -` reads.
 */
export function runnerJob(k: KubernetesTopology, scenario: Scenario, extraArgs: readonly string[] = []): string {
  const file = manifestFiles(scenario).find((f) => f.path === `${JOBS_DIR}/${jobName(k)}.yaml`);
  const job = structuredClone(file?.documents?.[0]) as IJob | undefined;
  const container = job?.spec?.template.spec?.containers[0];
  if (job?.kind !== 'Job' || container === undefined) throw new Error(`${k.mode}: the manifests hold no runner Job`);
  container.args = [...runnerCommand(jobRun(k, scenario), RESULTS_DIR), ...extraArgs];
  return `${JSON.stringify(job, null, 2)}\n`;
}

/**
 * Runs one runner Job of topology `mode` and gives its log: deletes the topology's previous
 * runner Jobs, creates this one, waits until it completes. A Job that fails (or outlasts its
 * deadline) is one Error with the error line of its log (failureLine).
 */
export async function runJob(kubectl: Kubectl, mode: string, job: string, readLog: boolean): Promise<{ name: string; log: string }> {
  await kubectlOk(kubectl, [...ns, 'delete', 'job', '-l', runnerSelector(mode), '--ignore-not-found']);
  const name = (await kubectlOk(kubectl, [...ns, 'create', '-f', '-', '-o', 'name'], job)).trim();
  const began = Date.now();
  for (;;) {
    const waited = await kubectl([...ns, 'wait', '--for=condition=complete', `--timeout=${WAIT_SLICE_SECONDS}s`, name]);
    if (waited.code === 0) break;
    const failed = (await kubectlOk(kubectl, [...ns, 'get', name, '-o', 'jsonpath={.status.failed}'])).trim();
    const over = Date.now() - began > JOB_WAIT_LIMIT_MS;
    if ((failed !== '' && Number(failed) > 0) || over) {
      const tail = await kubectl([...ns, 'logs', name, '--tail=20']);
      const last = failureLine(tail.stdout) || lastLine(tail.stderr) || 'no log';
      throw new Error(`the runner Job ${name} against ${mode} ${over ? `did not complete within ${JOB_WAIT_LIMIT_MS / 1000} s` : 'failed'}: ${last}`);
    }
  }
  return { name, log: readLog ? await kubectlOk(kubectl, [...ns, 'logs', name]) : '' };
}

/**
 * The line of a failed Job's log that says why: the last error message in it (Node ends a
 * crash with its stack and a "Node.js v24…" line, after the message), else its last line.
 */
export function failureLine(log: string): string {
  const lines = log.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.findLast((l) => /^(\w+)?Error\b.*:/.test(l)) ?? lines.at(-1) ?? '';
}

/** Deletes every runner Job of the lab (they are the lab's own; the topologies stay). */
export async function deleteRunnerJobs(kubectl: Kubectl): Promise<void> {
  await kubectlOk(kubectl, [...ns, 'delete', 'job', '-l', runnerSelector(), '--ignore-not-found']);
}
