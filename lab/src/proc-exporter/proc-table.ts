/**
 * The lab's app processes on this host, read from /proc: for each process its
 * identity (identity.ts) and its CPU time. Entries that vanish or cannot be read
 * (another user's process where this one may not read its environment) are skipped.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { clockTicks, processTicks } from './proc-stat.js';
import { identify, parseEnviron, type ProcessIdentity } from './identity.js';

export interface ProcessCpu extends ProcessIdentity {
  readonly pid: number;
  /** utime + stime since the process started, in seconds. */
  readonly cpuSeconds: number;
}

function identityOf(pid: number, stack: string): ProcessIdentity | null {
  try {
    const env = parseEnviron(readFileSync(`/proc/${pid}/environ`, 'latin1'));
    // Cheap filter first: most of the host's processes are not the lab's.
    if (!env.has('LAB_MODE')) return null;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    return identify({ env, argv, exe: readlinkSync(`/proc/${pid}/exe`) }, stack);
  } catch {
    return null;
  }
}

/** Every app process of `stack` with its CPU seconds, by pid. */
export function readProcessCpu(stack: string): ProcessCpu[] {
  const hz = clockTicks();
  const out: ProcessCpu[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    const identity = identityOf(pid, stack);
    if (identity === null) continue;
    const ticks = processTicks(pid);
    if (ticks !== null) out.push({ ...identity, pid, cpuSeconds: ticks / hz });
  }
  return out.sort((a, b) => a.pid - b.pid);
}
