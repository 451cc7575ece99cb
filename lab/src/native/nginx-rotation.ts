/**
 * Takes one of nginx's upstreams out of rotation and puts it back, the way an
 * operator restarts an instance behind nginx: mark it `down` in the upstream
 * block, reload nginx (SIGHUP), and wait until the worker processes that ran the
 * old configuration have exited, since until then they may still send it requests.
 *
 * Why: an upstream drains by emptying its accept queue, and while nginx still
 * sends it connections under a load that never stops, that queue never empties:
 * its drain would run to SHUTDOWN_TIMEOUT_MS and be forced.
 */
import { oldNginxWorkersGone } from '../resilience/nginx-reload.js';
import { childrenOf, isAlive, type ManagedProcess } from './processes.js';
import { writeNginxServerConf } from './topology-runner.js';

/**
 * Reloads nginx with the slots in `down` out of rotation, and waits until no worker
 * still sends them requests; an empty list puts every upstream back.
 */
export async function reloadNginxUpstreams(nginx: ManagedProcess, workers: number, down: readonly number[]): Promise<void> {
  const oldWorkers = childrenOf(nginx.pid);
  writeNginxServerConf(workers, { down });
  process.kill(nginx.pid, 'SIGHUP');
  // Putting upstreams back needs no wait: the old workers' list was a subset.
  if (down.length === 0) return;
  await oldNginxWorkersGone(
    () => {
      if (!isAlive(nginx)) throw new Error('nginx exited during its reload');
      return childrenOf(nginx.pid);
    },
    oldWorkers,
    '',
    20,
  );
}
