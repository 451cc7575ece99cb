/**
 * How busy the machine is right before a run, measured rather than inferred: the CPU
 * time every process spent in a short window, from the kernel's own counters
 * (/proc/stat's aggregate "cpu" line), in cores. Unlike the 1-minute load average,
 * which still holds the previous lab run for a minute after it ended, this says what
 * else is running now, and it is what the noise warning reads.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Busy and total jiffies of all CPUs (idle and iowait are not busy). */
async function cpuJiffies(): Promise<{ busy: number; total: number } | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n').find((l) => l.startsWith('cpu '));
    if (line === undefined) return null;
    // user nice system idle iowait irq softirq steal (guest time is already in user and nice)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return null;
  }
}

/** The default window: long enough for 100 Hz jiffies to count in tenths of a core. */
export const BUSY_WINDOW_MS = 1_000;

/**
 * Cores in use by every process over `windowMs` (0 = idle, `cores` = saturated), or null
 * where /proc/stat cannot be read (not Linux).
 */
export async function busyCores(cores: number, windowMs = BUSY_WINDOW_MS): Promise<number | null> {
  const before = await cpuJiffies();
  await sleep(windowMs);
  const after = await cpuJiffies();
  if (before === null || after === null || after.total <= before.total) return null;
  const share = (after.busy - before.busy) / (after.total - before.total);
  return Math.round(share * cores * 100) / 100;
}

/** Above this share of the cores busy before a run, its figures are flagged as noisy. */
export const BUSY_SHARE_WARNING = 0.25;
