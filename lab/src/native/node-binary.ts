/**
 * The Node binary that runs the app (NODE=) and what it supports. Whether reusePort
 * works is the app's own rule (app/src/config/reuse-port-support.ts), evaluated by
 * that very binary, so the lab and the app cannot disagree.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../config/usage-error.js';
import { paths } from '../paths.js';

export interface AppRuntime {
  /** process.versions.node of the binary. */
  version: string;
  /** Why reuseport cannot run on it, or null when it can. */
  reusePortUnavailable: string | null;
}

/** The app's Node when NODE is not set: Node 24 from tools/node24 (the image's), else the lab's own. */
export function defaultAppNode(): string {
  return existsSync(paths.node24) ? paths.node24 : process.execPath;
}

/**
 * NODE names an executable file: checked before the set-up step installs anything,
 * so a typo is one line at once. Whether it runs the app is the probe's to say.
 */
export function requireNodeBinary(node: string): void {
  let executable: boolean;
  try {
    executable = statSync(node).isFile();
    accessSync(node, constants.X_OK);
  } catch {
    executable = false;
  }
  if (!executable) throw new UsageError(`NODE=${node} is not accepted: expected the path of an executable node binary (no such executable file)`);
}

/** How long the probe of NODE may take before it counts as not running the app. */
const PROBE_TIMEOUT_MS = 30_000;

export function appRuntime(node: string): AppRuntime {
  const rule = pathToFileURL(join(paths.appDist, 'config', 'reuse-port-support.js')).href;
  const script = `
    const { reusePortSupport } = await import(${JSON.stringify(rule)});
    const facts = { nodeVersion: process.versions.node, platform: process.platform };
    console.log(JSON.stringify({ version: facts.nodeVersion, support: reusePortSupport(facts) }));`;
  let out: string;
  try {
    // A hang guard, not a speed limit: the first start of a freshly installed binary on a
    // busy machine with a cold disk cache took over 10 s once (a CI run on a fresh clone).
    out = execFileSync(node, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    throw new UsageError(`NODE=${node} is not accepted: expected the path of a node binary that runs the built app (it did not)`);
  }
  const { version, support } = parseProbe(node, out);
  return {
    version,
    reusePortUnavailable: support.supported ? null : `${support.reason ?? 'not supported'}; leave NODE unset to run the app on Node 24 (tools/node24), or set NODE=/path/to/node 22.12+`,
  };
}

interface ProbeAnswer {
  version: string;
  support: { supported: boolean; reason?: string };
}

/** The probe's one JSON line; anything else means NODE is not a node that runs the app (e.g. NODE=/bin/true). */
function parseProbe(node: string, out: string): ProbeAnswer {
  try {
    const answer = JSON.parse(out) as Partial<ProbeAnswer>;
    if (typeof answer.version === 'string' && typeof answer.support?.supported === 'boolean') return answer as ProbeAnswer;
  } catch {
    // fall through: not the probe's answer
  }
  throw new UsageError(`NODE=${node} is not accepted: expected the path of a node binary that runs the built app (it printed no answer to the lab's probe)`);
}
