/** The workers' CPU as the Docker sweep counts it, from their own metrics: the other roles are not measured there (the report says so). */
import type { WorkerDelta } from '../runner/worker-metrics.js';
import type { CpuByRole } from '../sweep/cpu-roles.js';

export function workersCpu(workers: readonly WorkerDelta[]): CpuByRole {
  return { app: workers.reduce((s, w) => s + Math.max(0, w.cpuSeconds), 0), primary: 0, 'pm2 daemon': 0, nginx: 0 };
}
