/** The machine the figures were measured on: the limit each figure is read against. */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import type { MachineInfo } from './model/report-model.js';

export function machineInfo(appNodeVersion: string, facts: Pick<MachineInfo, 'cpuLimit' | 'generator'>): MachineInfo {
  const [l1 = 0, l5 = 0, l15 = 0] = loadavg();
  return {
    cores: cpus().length,
    availableParallelism: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    nodeVersion: process.versions.node,
    appNodeVersion,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: [l1, l5, l15],
    ...facts,
  };
}
