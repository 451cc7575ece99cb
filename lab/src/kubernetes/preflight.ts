/**
 * What RUNTIME=kubernetes needs before anything starts: a kubectl that runs, and a current
 * context. Either missing is one line (a UsageError) saying what is missing and how to get
 * it; nothing has been applied by then.
 */
import { UsageError } from '../config/usage-error.js';
import { lastLine, NOT_FOUND, type Kubectl } from './kubectl.js';

/** The cluster the lab is about to drive, as kubectl names it. */
export interface KubectlContext {
  /** `kubectl config current-context`. */
  readonly context: string;
  /** kubectl's own version (clientVersion.gitVersion), e.g. v1.31.0. */
  readonly clientVersion: string;
}

const DOCS = 'docs/kubernetes.md';

/** Checks kubectl (`binary` names it in the refusal) and the current context, in that order. */
export async function kubernetesPreflight(kubectl: Kubectl, binary: string): Promise<KubectlContext> {
  const version = await kubectl(['version', '--client', '-o', 'json']);
  if (version.code === NOT_FOUND) {
    throw new UsageError(`RUNTIME=kubernetes needs kubectl: ${binary} was not found (install kubectl, or set KUBECTL to its path; ${DOCS})`);
  }
  if (version.code !== 0) {
    throw new UsageError(`RUNTIME=kubernetes needs a working kubectl: \`${binary} version --client\` failed (exit ${version.code}): ${lastLine(version.stderr) || 'no output'} (${DOCS})`);
  }
  const context = await kubectl(['config', 'current-context']);
  const name = context.stdout.trim();
  if (context.code !== 0 || name === '') {
    throw new UsageError(`RUNTIME=kubernetes needs a current kubectl context: ${lastLine(context.stderr) || 'none is set'} (kubectl config use-context NAME, or create a cluster, e.g. kind create cluster; ${DOCS})`);
  }
  return { context: name, clientVersion: clientVersion(version.stdout) };
}

/** clientVersion.gitVersion of `kubectl version --client -o json`, or "unknown version". */
function clientVersion(json: string): string {
  try {
    const parsed = JSON.parse(json) as { clientVersion?: { gitVersion?: unknown } };
    const v = parsed.clientVersion?.gitVersion;
    return typeof v === 'string' ? v : 'unknown version';
  } catch {
    return 'unknown version';
  }
}
