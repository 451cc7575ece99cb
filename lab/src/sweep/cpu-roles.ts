/** The roles a topology's CPU is counted by (the native runtime reads them from /proc). */
export type CpuRole = 'app' | 'primary' | 'pm2 daemon' | 'nginx';
export const CPU_ROLES: readonly CpuRole[] = ['app', 'primary', 'pm2 daemon', 'nginx'];

export type CpuByRole = Record<CpuRole, number>;

export function totalCpu(byRole: CpuByRole): number {
  return CPU_ROLES.reduce((s, r) => s + byRole[r], 0);
}
