/**
 * Local processes the native runtime starts: each in a process group of its own,
 * its output in a log file, and recorded in a registry on disk, so `lab down` can
 * stop all of them even after the command that started them crashed.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { paths } from '../paths.js';

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
}

const registryFile = (): string => join(paths.state, 'processes.json');
export const logDir = (): string => join(paths.state, 'logs');

export function readRegistry(): ManagedProcess[] {
  try {
    return JSON.parse(readFileSync(registryFile(), 'utf8')) as ManagedProcess[];
  } catch {
    return [];
  }
}

function writeRegistry(entries: ManagedProcess[]): void {
  mkdirSync(paths.state, { recursive: true });
  const tmp = `${registryFile()}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(entries, null, 2)}\n`);
  renameSync(tmp, registryFile());
}

function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the recorded process is still the one we started. */
export function isAlive(p: ManagedProcess): boolean {
  return startTicks(p.pid) === p.startTicks;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface SpawnOptions {
  name: string;
  group: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

export function spawnManaged(options: SpawnOptions): ManagedProcess {
  mkdirSync(logDir(), { recursive: true });
  const log = join(logDir(), `${options.name}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd ?? paths.root,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`cannot start ${options.name}: ${options.command} did not start`);
  const entry: ManagedProcess = {
    name: options.name,
    group: options.group,
    pid: child.pid,
    startTicks: startTicks(child.pid) ?? '',
    command: [options.command, ...options.args].join(' '),
    log,
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
 * Stops a process and everything in its group: SIGTERM to the leader (a graceful
 * stop, as `docker stop` would), then SIGKILL to the whole group after graceMs.
 */
export async function stopManaged(p: ManagedProcess, graceMs = 15_000): Promise<void> {
  if (isAlive(p)) {
    try {
      process.kill(p.pid, 'SIGTERM');
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

/** Stops every recorded process of the given groups (all when none given), in parallel. */
export async function stopGroups(groups?: readonly string[]): Promise<ManagedProcess[]> {
  const targets = readRegistry().filter((p) => groups === undefined || groups.includes(p.group));
  await Promise.all(targets.map((p) => stopManaged(p)));
  return targets;
}
