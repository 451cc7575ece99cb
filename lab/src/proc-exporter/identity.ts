/**
 * Which lab process a /proc entry is, from what the lab and the process models put in
 * its environment when they started it: LAB_STACK (whose lab), LAB_MODE (the topology),
 * CLUSTER_WORKER_SLOT (a node:cluster worker), pm2_env (a PM2 instance: PM2 passes
 * its NODE_APP_INSTANCE in that JSON and sets the variable itself later), WORKER_INDEX (one of several single-process instances), HOSTNAME (the
 * container of an nginx replica, which all are worker 0). Pure: the caller reads /proc.
 */
import { isMode, STACK_ENV, topology, type Mode } from '../topologies.js';

/** What one process's /proc entry says, as far as the identity needs it. */
export interface ProcEntry {
  readonly env: ReadonlyMap<string, string>;
  /** argv, from /proc/<pid>/cmdline. */
  readonly argv: readonly string[];
  /** The executable's path, from /proc/<pid>/exe. */
  readonly exe: string;
}

/** The labels of one process's series, the same names the app's own metrics carry. */
export interface ProcessIdentity {
  readonly mode: Mode;
  /** A worker index, "primary" (node:cluster's primary) or "pm2" (PM2's daemon). */
  readonly worker: string;
  /** nginx's replicas in Docker: the container's host name; '' elsewhere. */
  readonly replica: string;
}

/** Flags that make node run a script given inline: a health check or a lab probe, not the app. */
const EVAL_FLAGS = new Set(['-e', '--eval', '-p', '--print']);

function isNodeProgram(entry: ProcEntry): boolean {
  const exe = entry.exe.slice(entry.exe.lastIndexOf('/') + 1);
  return /^node(\d+)?$/.test(exe) && !entry.argv.some((a) => EVAL_FLAGS.has(a));
}

/** A PM2 instance's index: NODE_APP_INSTANCE (or the variable its instance_var names) in pm2_env. */
function pm2Instance(pm2Env: string): string | undefined {
  try {
    const parsed = JSON.parse(pm2Env) as Record<string, unknown>;
    const name = typeof parsed['instance_var'] === 'string' ? parsed['instance_var'] : 'NODE_APP_INSTANCE';
    const index = parsed[name];
    return typeof index === 'number' || typeof index === 'string' ? String(index) : undefined;
  } catch {
    return undefined;
  }
}

function workerOf(mode: Mode, env: ReadonlyMap<string, string>): string {
  const slot = env.get('CLUSTER_WORKER_SLOT');
  if (slot !== undefined) return slot;
  const pm2Env = env.get('pm2_env');
  const instance = pm2Env === undefined ? undefined : pm2Instance(pm2Env);
  if (instance !== undefined) return instance;
  const entry = topology(mode).entry;
  if (entry === 'primary') return 'primary';
  if (entry === 'pm2') return 'pm2';
  return env.get('WORKER_INDEX') ?? '0';
}

/** The process's labels when it is an app process of `stack`, else null. */
export function identify(entry: ProcEntry, stack: string): ProcessIdentity | null {
  const mode = entry.env.get('LAB_MODE');
  if (entry.env.get(STACK_ENV) !== stack || mode === undefined || !isMode(mode) || !isNodeProgram(entry)) return null;
  const worker = workerOf(mode, entry.env);
  const replicated = topology(mode).instances === 'per-worker' && !entry.env.has('WORKER_INDEX');
  return { mode, worker, replica: replicated ? (entry.env.get('HOSTNAME') ?? '') : '' };
}

/** /proc/<pid>/environ's NUL-separated NAME=value pairs. */
export function parseEnviron(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const pair of text.split('\0')) {
    const eq = pair.indexOf('=');
    if (eq > 0) env.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return env;
}
