/**
 * Offline validation of the rendered manifests against the Kubernetes API schemas
 * (kubernetes-models' validators, and prometheus-operator's for the PodMonitor). A kind
 * without a validator here is an error, never a pass.
 */
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';

interface Validating {
  validate(): void;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- each model takes its own kind's object; the document was parsed from YAML */
const MODELS: Readonly<Record<string, (doc: any) => Validating>> = {
  'v1/Namespace': (d) => new Namespace(d),
  'v1/ConfigMap': (d) => new ConfigMap(d),
  'v1/Service': (d) => new Service(d),
  'apps/v1/Deployment': (d) => new Deployment(d),
  'batch/v1/Job': (d) => new Job(d),
  'monitoring.coreos.com/v1/PodMonitor': (d) => new PodMonitor(d),
};
/* eslint-enable @typescript-eslint/no-explicit-any */

export const VALIDATED_KINDS = Object.keys(MODELS);

/** Throws one line naming the document and what the schema refuses. */
export function validateManifest(doc: unknown, where: string): void {
  const d = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; generateName?: unknown } };
  const key = `${String(d.apiVersion)}/${String(d.kind)}`;
  const model = MODELS[key];
  if (model === undefined) throw new Error(`${where}: apiVersion/kind ${key} has no schema here: expected one of ${VALIDATED_KINDS.join(', ')}`);
  try {
    model(doc).validate();
  } catch (error) {
    const name = String(d.metadata?.name ?? d.metadata?.generateName ?? '?');
    throw new Error(`${where}: ${key} ${name} is not valid: ${error instanceof Error ? error.message : String(error)}`);
  }
}
