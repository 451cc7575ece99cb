/**
 * RUNTIME=kubernetes as the CLI sees it: which commands it runs (compare, bench), the one
 * line refusing the others, and the runtime for a command once its variables and the
 * preflight (kubectl, a current context) have passed.
 */
import type { LabConfig } from '../config/lab-config.js';
import { UsageError } from '../config/usage-error.js';
import type { Runtime } from '../core/runtime.js';
import { spawnKubectl } from './kubectl.js';
import { KUBERNETES_COMMANDS, kubernetesRefusal, kubernetesRuntime } from './kubernetes-runtime.js';
import { WORKERS } from './manifests.js';
import { kubernetesPreflight } from './preflight.js';

/** Refuses, with one line, a command RUNTIME=kubernetes does not run. */
export function refuseOnKubernetes(command: string): void {
  if (!(KUBERNETES_COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`RUNTIME=kubernetes is not accepted by ${command}: ${kubernetesRefusal()}`);
  }
}

/** The Kubernetes runtime for `command`: variables it would ignore refused, then kubectl and its context checked, nothing applied yet. */
export async function kubernetesRuntimeFor(command: string, config: LabConfig): Promise<Runtime> {
  refuseOnKubernetes(command);
  const { options } = config;
  if (options.workersGiven) {
    throw new UsageError(`WORKERS=${options.workers} is not accepted by \`${command}\` with RUNTIME=kubernetes: the manifests fix it (${WORKERS}, from the pods' CPU limit; make k8s renders them)`);
  }
  if (options.node !== undefined) {
    throw new UsageError(`NODE=${options.node} is not accepted by \`${command}\` with RUNTIME=kubernetes: the image's Node 24 runs the app (NODE applies to RUNTIME=native)`);
  }
  const binary = config.locations.kubectl;
  const kubectl = spawnKubectl(binary);
  return kubernetesRuntime({ kubectl, context: await kubernetesPreflight(kubectl, binary) });
}
