/**
 * Local processes the native runtime starts: each in a process group of its own,
 * its output in a log file, and recorded in a registry on disk, so `lab down` can
 * stop all of them even after the command that started them crashed.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { paths } from '../paths.js';
import { inheritedEnv, locations } from '../config/environment.js';

export interface ManagedProcess {
  /** Unique name, e.g. "cluster" or "nginx-app-1". */
  name: string;
  /** The topology it belongs to, or "prometheus". */
  group: string;
  pid: number;
  /** Kernel start time of the pid (/proc/<pid>/stat field 22): tells a recycled pid apart. */
  startTicks: string;
  command: string;
  log: string;
  /** What the topology was started with, so a later command can tell whether it may reuse it. */
  workers?: number;
  node?: string;
  /** The signal that stops it gracefully (default SIGTERM; nginx: SIGQUIT, its graceful quit). */
  stopSignal?: NodeJS.Signals;
  /** A proxy in front of its group's other processes: stopped, and waited for, before them. */
  stopFirst?: boolean;
}

const registryFile = (): string => join(locations().state, 'processes.json');
export const logDir = (): string => join(locations().state, 'logs');

export function readRegistry(): ManagedProcess[] {
  try {
    return JSON.parse(readFileSync(registryFile(), 'utf8')) as ManagedProcess[];
  } catch {
    return [];
  }
}

function writeRegistry(entries: ManagedProcess[]): void {
  mkdirSync(locations().state, { recursive: true });
  const tmp = `${registryFile()}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(entries, null, 2)}\n`);
  renameSync(tmp, registryFile());
}

/** Fields of /proc/<pid>/stat after the command name (which is in parentheses and may hold spaces). */
function statFields(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

function startTicks(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/**
 * Whether any process of the group still runs. Zombies do not count: where PID 1
 * does not reap orphans they would otherwise keep a stopped group "alive" forever.
 */
export function groupAlive(pgid: number): boolean {
  return groupMembers(pgid).length > 0;
}

/** The running (not zombie) processes whose stat fields (state, ppid, pgrp, ...) match. */
function livingProcesses(match: (fields: readonly string[]) => boolean): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields && fields[0] !== 'Z' && match(fields)) pids.push(Number(entry));
  }
  return pids;
}

/** The running (not zombie) processes of a process group. */
export function groupMembers(pgid: number): number[] {
  return livingProcesses((fields) => fields[2] === String(pgid));
}

/** The running (not zombie) children of a process. */
export function childrenOf(pid: number): number[] {
  return livingProcesses((fields) => fields[1] === String(pid));
}

/** Whether the recorded process is still the one we started, and not a zombie. */
export function isAlive(p: ManagedProcess): boolean {
  const fields = statFields(p.pid);
  return fields !== null && fields[19] === p.startTicks && fields[0] !== 'Z';
}


export interface SpawnOptions {
  name: string;
  group: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  workers?: number;
  node?: string;
  stopSignal?: NodeJS.Signals;
  stopFirst?: boolean;
}

export function spawnManaged(options: SpawnOptions): ManagedProcess {
  mkdirSync(logDir(), { recursive: true });
  const log = join(logDir(), `${options.name}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd ?? paths.root,
    env: inheritedEnv(options.env),
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  child.unref();
  // A command that cannot be executed (ENOENT, EACCES) reports through 'error';
  // the missing pid below turns it into one line instead of an uncaught exception.
  child.once('error', () => undefined);
  if (child.pid === undefined) throw new Error(`cannot start ${options.name}: ${options.command} could not be executed`);
  const entry: ManagedProcess = {
    name: options.name,
    group: options.group,
    pid: child.pid,
    startTicks: startTicks(child.pid) ?? '',
    command: [options.command, ...options.args].join(' '),
    log,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.node === undefined ? {} : { node: options.node }),
    ...(options.stopSignal === undefined ? {} : { stopSignal: options.stopSignal }),
    ...(options.stopFirst === undefined ? {} : { stopFirst: options.stopFirst }),
  };
  writeRegistry([...readRegistry().filter((p) => p.name !== entry.name), entry]);
  return entry;
}

export function logTail(p: Pick<ManagedProcess, 'log'>, lines = 15): string {
  try {
    return readFileSync(p.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Stops a process and everything in its group: its graceful stop signal to the
 * leader (SIGTERM, as `docker stop` would; nginx's is SIGQUIT, since its SIGTERM is
 * a fast shutdown that drops every open request), then SIGKILL to the whole group
 * after graceMs.
 */
export async function stopManaged(p: ManagedProcess, graceMs = 15_000): Promise<void> {
  const ticks = startTicks(p.pid);
  if (ticks !== null && ticks !== p.startTicks) {
    // The pid now belongs to another process (e.g. a stale registry after a reboot):
    // neither it nor its group is ours. (Linux never reuses a pid that is still a live
    // process group id, so a leader that is gone with its group alive is not this case.)
    writeRegistry(readRegistry().filter((e) => e.name !== p.name));
    return;
  }
  if (isAlive(p)) {
    try {
      process.kill(p.pid, p.stopSignal ?? 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(p.pid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(p.pid)) {
    try {
      process.kill(-p.pid, 'SIGKILL');
    } catch {
      // Gone in between.
    }
    while (groupAlive(p.pid)) await sleep(20);
  }
  writeRegistry(readRegistry().filter((e) => e.name !== p.name));
}

/**
 * Stops every recorded process of the given groups (all when none given), in
 * parallel, except that a proxy in front (stopFirst: nginx) is stopped first and
 * waited for: its graceful quit still needs its upstreams to answer the requests it
 * holds, and only once it is gone do they get SIGTERM (and drain what is left).
 */
export async function stopGroups(groups?: readonly string[]): Promise<ManagedProcess[]> {
  const targets = readRegistry().filter((p) => groups === undefined || groups.includes(p.group));
  const fronts = targets.filter((p) => p.stopFirst === true);
  await Promise.all(fronts.map((p) => stopManaged(p)));
  await Promise.all(targets.filter((p) => p.stopFirst !== true).map((p) => stopManaged(p)));
  return targets;
}
