/**
 * A process's CPU time from /proc/<pid>/stat (user + system, fields 14 and 15) and the
 * kernel's clock ticks per second: what the /proc exporter and the native runtime's CPU
 * accounting both read.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (getconf CLK_TCK; 100 on every Linux in practice). */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a process, in ticks; null when it is gone. */
export function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: field 3 (state) is index 0, so utime (14) is 11 and stime (15) is 12.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

