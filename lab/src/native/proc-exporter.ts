/**
 * The lab's /proc exporter, run natively beside Prometheus (same process group, so
 * `make down` and a Prometheus restart take it along): it reports the processes
 * started with LAB_STACK=native.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { paths } from '../paths.js';
import { NATIVE_STACK, PROC_EXPORTER_PORT } from '../topologies.js';
import { isAlive, logTail, spawnManaged, type ManagedProcess } from './processes.js';

export const PROC_EXPORTER_URL = `http://127.0.0.1:${PROC_EXPORTER_PORT}/metrics`;

export const procExporterScript = (): string => join(paths.root, 'lab', 'dist', 'proc-exporter', 'cli.js');

export interface ProcExporterOptions {
  /** The process group it is recorded in (stopped with). */
  readonly group: string;
  /** WORKERS of the stack it runs beside, recorded like Prometheus' own. */
  readonly workers?: number;
  readonly port?: number;
  readonly stack?: string;
}

/** Starts the exporter and waits until /metrics answers. */
export async function startProcExporter(options: ProcExporterOptions): Promise<ManagedProcess> {
  const port = options.port ?? PROC_EXPORTER_PORT;
  const proc = spawnManaged({
    name: 'proc-exporter',
    group: options.group,
    command: process.execPath,
    args: [procExporterScript(), '--stack', options.stack ?? NATIVE_STACK, '--host', '127.0.0.1', '--port', String(port)],
    env: {},
    ...(options.workers === undefined ? {} : { workers: options.workers }),
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (!isAlive(proc)) throw new Error(`proc-exporter exited during start; its log (${proc.log}) ends with:\n${logTail(proc)}`);
    try {
      const res = await request(`http://127.0.0.1:${port}/metrics`, { headersTimeout: 1000 });
      await res.body.dump();
      if (res.statusCode === 200) return proc;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`proc-exporter not ready after 10 s; its log (${proc.log}) ends with:\n${logTail(proc)}`);
    await sleep(100);
  }
}
