#!/usr/bin/env node
/**
 * `make k8s`: renders deploy/kubernetes/ from the topology table, validates every
 * document against the Kubernetes API schemas offline, writes the files (removing any
 * this rendering no longer holds) and says so. Nothing is applied: no cluster is used.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { paths } from '../paths.js';
import { readScenario } from '../scenario-file.js';
import { renderKubernetes } from './files.js';
import { KUBERNETES_DIR } from './manifests.js';
import { validateManifest } from './validate.js';

function filesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

const files = renderKubernetes(readScenario());
let documents = 0;
for (const [path, text] of files) {
  for (const doc of parseAllDocuments(text)) {
    const value: unknown = doc.toJS();
    if ((value as { kind?: unknown }).kind === 'Kustomization') continue;
    validateManifest(value, `${KUBERNETES_DIR}/${path}`);
    documents += 1;
  }
}
const dir = join(paths.root, KUBERNETES_DIR);
for (const stale of filesUnder(dir).filter((f) => !files.has(relative(dir, f)))) rmSync(stale);
for (const [path, text] of files) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}
process.stdout.write(`wrote ${relative(process.cwd(), dir) || dir}/: ${[...files.keys()].join(', ')}\n`);
process.stdout.write(`k8s: ${documents} manifests rendered and validated offline against the Kubernetes API schemas (kubernetes-models); not applied: no cluster was used (apply with kubectl apply -k ${KUBERNETES_DIR}: docs/kubernetes.md)\n`);
