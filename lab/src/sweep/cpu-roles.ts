/** The roles a topology's CPU is counted by (the native runtime reads them all from /proc; Docker only the workers' own metrics). */
export type CpuRole = 'app' | 'primary' | 'pm2 daemon' | 'nginx';
export const CPU_ROLES: readonly CpuRole[] = ['app', 'primary', 'pm2 daemon', 'nginx'];

export type CpuByRole = Record<CpuRole, number>;

export function totalCpu(byRole: CpuByRole): number {
  return CPU_ROLES.reduce((s, r) => s + byRole[r], 0);
}

/**
 * The roles besides the app that a topology has: its primary (node:cluster), PM2's
 * daemon, its front proxy. Docker reads only the workers' own metrics, so these are
 * "not measured in Docker" there (never 0).
 */
export function extraRoles(t: { entry: 'server' | 'primary' | 'pm2'; proxy: 'nginx' | null }): CpuRole[] {
  const roles: CpuRole[] = [];
  if (t.entry === 'primary') roles.push('primary');
  if (t.entry === 'pm2') roles.push('pm2 daemon');
  if (t.proxy === 'nginx') roles.push('nginx');
  return roles;
}
