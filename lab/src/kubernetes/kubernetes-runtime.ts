/**
 * RUNTIME=kubernetes (the core's Runtime interface) for compare and bench: the topologies
 * of deploy/kubernetes applied to the current kubectl context (`kubectl apply -k`), each
 * Deployment waited for (`kubectl rollout status`), then every warm-up and every
 * repetition one runner Job in the cluster (runner-jobs.ts), whose log ends with the
 * same JSON the Docker runtime reads back from its runner container, checked the same
 * way (read-back.ts, the rules the Docker runtime's read-back uses).
 *
 * What it cannot read from outside the cluster: each process's counters between Jobs
 * (readProcesses gives none), so a re-warm is one window-sized Job; per-process CPU
 * behind nginx or a replicas Service (a Service reaches one pod at random). The report's
 * `ran on` line says so, and says where the figures come from.
 */
import { UsageError } from '../config/usage-error.js';
import { NODE_IMAGE } from '../containers.js';
import type { Runtime, Target } from '../core/runtime.js';
import { machineInfo } from '../machine.js';
import type { Scenario } from '../model/report-model.js';
import { steadyPlan, type WarmUpReport } from '../steady/steady-state.js';
import { CONTAINER_APP_PORT, type Mode } from '../topologies.js';
import { parseChecked } from '../read-back.js';
import { jobJsonText } from './job-log.js';
import { kubectlOk, type Kubectl } from './kubectl.js';
import { CPU_BUDGET, jobRun, KUBERNETES_DIR, kubernetesTopologies, NAMESPACE, WORKERS, type KubernetesTopology } from './manifests.js';
import type { KubectlContext } from './preflight.js';
import { deleteRunnerJobs, runJob, runnerJob } from './runner-jobs.js';

/** How long each Deployment may take to roll out. */
export const ROLLOUT_TIMEOUT = '300s';

/** What RUNTIME=kubernetes runs; anything else is refused with this list. */
export const KUBERNETES_COMMANDS = ['compare', 'bench'] as const;

export interface KubernetesOptions {
  /** Every kubectl call goes through it. */
  readonly kubectl: Kubectl;
  /** The context the preflight found. */
  readonly context: KubectlContext;
  /** Where the figures come from, for the report; default: the context. A replay says it is one. */
  readonly ranOn?: string;
  readonly log?: (line: string) => void;
}

/** The Deployments a topology needs rolled out: its app pods, and nginx in front where there is one. */
export function deploymentsOf(k: KubernetesTopology): string[] {
  return [k.apps.name, ...(k.proxy === null ? [] : [k.proxy])];
}

const topologyOf = (mode: string): KubernetesTopology | undefined => kubernetesTopologies().find((k) => k.mode === mode);

function requireTopology(mode: string): KubernetesTopology {
  const k = topologyOf(mode);
  if (k === undefined) throw new Error(`${mode} is not in the Kubernetes manifests`);
  return k;
}

/** The report's line on where the figures come from and what was not measured there. */
export function ranOnText(where: string): string {
  return `${where}. Machine, load average, busy cores and interference are this machine's (where kubectl runs), not the cluster nodes'. `
    + "Per-process CPU is read by the runner Job through the Service's worker ports in the one-pod topologies only: "
    + 'not measured behind nginx or a replicas Service (a Service reaches one pod at random), nor between Jobs (each re-warm is one window)';
}

export function kubernetesRuntime(options: KubernetesOptions): Runtime {
  const { kubectl } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const where = options.ranOn ?? `Kubernetes, kubectl context ${options.context.context} (kubectl ${options.context.clientVersion})`;
  let applying: Promise<void> | undefined;
  let applied = false;
  const apply = (): Promise<void> =>
    (applying ??= (async () => {
      log(`kubernetes: applying ${KUBERNETES_DIR} to context ${options.context.context} (namespace ${NAMESPACE})`);
      const out = await kubectlOk(kubectl, ['apply', '-k', KUBERNETES_DIR]);
      applied = true;
      log(`kubernetes: ${out.trim().split('\n').filter((l) => l !== '').length} objects applied`);
    })());
  const rolledOut = new Set<string>();
  let jobsMade = false;

  const measuredJob = async (k: KubernetesTopology, scenario: Scenario, extra: readonly string[] = []): Promise<{ name: string; json: string }> => {
    jobsMade = true;
    const { name, log: text } = await runJob(kubectl, k.mode, runnerJob(k, scenario, extra), true);
    return { name, json: jobJsonText(text) };
  };

  /** The warm-up: the runner's steady-state windows where the Job reads every process; else one Job of the minimum, unchecked. */
  const warmUp = async (target: Target, scenario: Scenario): Promise<WarmUpReport> => {
    const k = requireTopology(target.mode);
    const plan = steadyPlan(scenario);
    const window = scenario.warmupRequests;
    const processes = k.apps.replicas * k.apps.processesPerPod;
    if ((jobRun(k, scenario).metrics ?? []).length > 0) {
      const steady = { ...scenario, requests: window, concurrency: Math.min(scenario.concurrency, window * processes) };
      const { name, json } = await measuredJob(k, steady, ['--steady-window', String(window), '--steady-min', String(scenario.steadyMinRequests)]);
      return parseChecked('warmUp', json, `the log of ${name}`);
    }
    const requests = Math.max(window, scenario.steadyMinRequests) * processes;
    const { name, json } = await measuredJob(k, { ...scenario, requests, concurrency: Math.min(scenario.concurrency, requests) });
    const run = parseChecked('repetition', json, `the log of ${name}`);
    return {
      stable: false,
      requests: run.result.completed,
      windows: 1,
      seconds: run.result.totalTimeMs / 1000,
      tolerance: plan.tolerance,
      reference: [],
      text: `one Job of ${requests} requests, not checked for a steady CPU per request (behind ${k.proxy ?? 'a Service'} the Job reads no process's counters)`,
    };
  };

  const refused = (command: string) => (): Promise<void> =>
    Promise.reject(new UsageError(`RUNTIME=kubernetes does not run ${command}: ${kubernetesRefusal()}`));

  return {
    name: 'kubernetes',
    workers: () => Promise.resolve(WORKERS),
    machine: () => Promise.resolve({
      ...machineInfo(NODE_IMAGE.replace(/^node:([\d.]+).*$/, '$1'), { cpuLimit: CPU_BUDGET, generator: "the lab's runner in a Kubernetes Job in the cluster (1 CPU requested, no limit)" }),
      ranOn: ranOnText(where),
    }),
    unavailability: (mode) => Promise.resolve(topologyOf(mode) === undefined
      ? `${mode} is not in the Kubernetes manifests (they hold what the Docker runtime runs, plus replicas): use RUNTIME=native`
      : null),
    start: async (mode: Mode) => {
      const k = requireTopology(mode);
      await apply();
      for (const deployment of deploymentsOf(k)) {
        if (rolledOut.has(deployment)) continue;
        await kubectlOk(kubectl, ['-n', NAMESPACE, 'rollout', 'status', `deployment/${deployment}`, `--timeout=${ROLLOUT_TIMEOUT}`]);
        rolledOut.add(deployment);
      }
      return { mode, workers: k.apps.replicas * k.apps.processesPerPod, url: `http://${k.service}.${NAMESPACE}.svc:${CONTAINER_APP_PORT}` };
    },
    load: async (target, requests, scenario) => {
      jobsMade = true;
      const k = requireTopology(target.mode);
      await runJob(kubectl, k.mode, runnerJob(k, { ...scenario, requests, concurrency: Math.min(scenario.concurrency, requests) }), false);
    },
    warmToSteadyState: warmUp,
    // Outside the cluster no process's counters are reachable: the core's re-warm then sends one window.
    readProcesses: () => Promise.resolve([]),
    ownership: () => ({ stack: NAMESPACE, roots: () => [] }),
    measure: async (target, scenario) => {
      const { name, json } = await measuredJob(requireTopology(target.mode), scenario);
      return parseChecked('repetition', json, `the log of ${name}`);
    },
    monitoring: () => Promise.resolve({ grafana: null, prometheus: null }),
    close: async () => {
      if (!applied) return;
      if (jobsMade) {
        try {
          await deleteRunnerJobs(kubectl);
        } catch (error) {
          log(`kubernetes: the runner Jobs were not deleted (${error instanceof Error ? error.message : String(error)})`);
        }
      }
      log(`kubernetes: the topologies stay applied in namespace ${NAMESPACE} (kubectl delete -k ${KUBERNETES_DIR} removes them)`);
    },
    up: refused('up'),
    down: refused('down'),
    ps: refused('ps'),
    logs: refused('logs'),
  };
}

/** What RUNTIME=kubernetes runs and where the rest is, for every refusal. */
export function kubernetesRefusal(): string {
  return `with Kubernetes the lab runs ${KUBERNETES_COMMANDS.join(' and ')} on the current kubectl context; apply, inspect and delete the topologies with kubectl (docs/kubernetes.md)`;
}
