/**
 * Whether PM2 is replacing this instance (`pm2 reload`) rather than stopping it.
 *
 * PM2 sends the same SIGINT for both. But a reload sends it only once the new
 * instance has said 'ready' (wait_ready in the ecosystem file), and that new
 * instance is a sibling with our pm_id: a process PM2's daemon (our parent)
 * started with the same id. Linux shows both facts: a process's parent in
 * /proc/<pid>/stat, and the pm2_env variable PM2 starts it with (JSON holding
 * pm_id) in /proc/<pid>/environ.
 *
 * When it cannot tell (no /proc, a process that vanished while we looked), the
 * answer is false: the instance then empties the queue itself, which is always
 * safe, only slower under a load that never stops.
 */
import { readFileSync, readdirSync } from 'node:fs';

const PM2_ENV_VARIABLE = 'pm2_env=';

export function pm2ReplacementRunning(pm2Id: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return false;
  }
  return pids.some((pid) => Number(pid) !== process.pid && isLiveChildOf(pid, process.ppid) && pm2IdOf(pid) === pm2Id);
}

/** `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so fields are read after the last ')'. */
function isLiveChildOf(pid: string, parent: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state !== 'Z' && Number(ppid) === parent;
  } catch {
    return false;
  }
}

function pm2IdOf(pid: string): number | undefined {
  try {
    const variable = readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .find((entry) => entry.startsWith(PM2_ENV_VARIABLE));
    if (variable === undefined) return undefined;
    const pm2Env = JSON.parse(variable.slice(PM2_ENV_VARIABLE.length)) as { pm_id?: unknown };
    return typeof pm2Env.pm_id === 'number' ? pm2Env.pm_id : undefined;
  } catch {
    return undefined;
  }
}
