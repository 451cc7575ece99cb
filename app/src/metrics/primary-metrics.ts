/**
 * The cluster primary's own metrics: its process metrics, how many workers are
 * alive, restarts by reason, and the backoff of every slot waiting for a restart.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { RESTART_REASONS, type RestartReason, type WorkerPoolStats } from '../cluster/worker-pool.js';
import { createLabelledRegistry, type ProcessLabels } from './serving-metrics.js';

export interface PrimaryMetrics {
  readonly registry: Registry;
  recordRestart(reason: RestartReason): void;
}

export function createPrimaryMetrics(labels: ProcessLabels, poolStats: () => WorkerPoolStats): PrimaryMetrics {
  const registry = createLabelledRegistry(labels);
  new Gauge({
    name: 'cluster_workers_desired',
    help: 'Workers the primary keeps running (WORKERS).',
    registers: [registry],
    collect() {
      this.set(poolStats().desiredWorkers);
    },
  });
  new Gauge({
    name: 'cluster_workers_alive',
    help: 'Workers that reported ready and have not exited.',
    registers: [registry],
    collect() {
      this.set(poolStats().aliveWorkers);
    },
  });
  new Gauge({
    name: 'cluster_worker_restart_delay_seconds',
    help: 'Backoff before the pending restart of a slot, 0 when none is pending.',
    labelNames: ['slot'],
    registers: [registry],
    collect() {
      poolStats().restartDelaysMs.forEach((delayMs, slot) => {
        this.set({ slot: String(slot) }, delayMs / 1000);
      });
    },
  });
  const restarts = new Counter({
    name: 'cluster_worker_restarts_total',
    help: 'Workers started to replace another: crash (died after ready), start_failure (died before ready), rolling_restart (SIGHUP).',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of RESTART_REASONS) restarts.inc({ reason }, 0);
  return {
    registry,
    recordRestart(reason) {
      restarts.inc({ reason });
    },
  };
}
