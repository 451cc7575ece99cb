/**
 * CPU accounting of a running topology from /proc: every process of every recorded
 * process group (the primary and its workers, PM2's daemon and its instances, nginx's
 * master and workers, each app instance), its user + system time (/proc/<pid>/stat
 * fields 14 and 15), by role. Two snapshots around a step give the CPU seconds each
 * role spent in it; divided by the requests served, the cost of a process model.
 */
import { groupMembers, type ManagedProcess } from './processes.js';
import { clockTicks, processTicks } from '../proc-exporter/proc-stat.js';

export { clockTicks, processTicks };

import { CPU_ROLES, totalCpu, type CpuByRole, type CpuRole } from '../sweep/cpu-roles.js';

export { CPU_ROLES, totalCpu, type CpuByRole, type CpuRole };

/** pid → [role, CPU ticks (user + system)]. */
export type CpuSnapshot = Map<number, { role: CpuRole; ticks: number }>;

/** The role of a recorded group leader, from the name the topology runner gave it. */
export function leaderRole(p: Pick<ManagedProcess, 'name'>): CpuRole {
  if (p.name === 'cluster' || p.name === 'cluster-none') return 'primary';
  if (p.name === 'pm2') return 'pm2 daemon';
  if (p.name === 'nginx') return 'nginx';
  return 'app';
}

export function snapshotCpu(processes: readonly ManagedProcess[]): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const leader of processes) {
    const role = leaderRole(leader);
    for (const pid of groupMembers(leader.pid)) {
      const ticks = processTicks(pid);
      if (ticks === null) continue;
      // The leader has the group's role; its children serve requests, except nginx's own workers.
      const memberRole: CpuRole = pid === leader.pid ? role : role === 'nginx' ? 'nginx' : 'app';
      snapshot.set(pid, { role: memberRole, ticks });
    }
  }
  return snapshot;
}

/** CPU seconds per role between two snapshots; a process that appeared in between counts from 0. */
export function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): CpuByRole {
  const out: CpuByRole = { app: 0, primary: 0, 'pm2 daemon': 0, nginx: 0 };
  const hz = clockTicks();
  for (const [pid, a] of after) {
    const b = before.get(pid)?.ticks ?? 0;
    out[a.role] += Math.max(0, a.ticks - b) / hz;
  }
  return out;
}

