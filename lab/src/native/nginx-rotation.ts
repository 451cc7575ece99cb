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
import { readFileSync } from 'node:fs';
import { oldNginxWorkersGone } from '../resilience/nginx-reload.js';
import { childrenOf, isAlive, type ManagedProcess } from './processes.js';
import { writeNginxServerConf } from './topology-runner.js';

/**
 * Reloads nginx with the slots in `down` out of rotation, and waits until no worker
 * still sends them requests; an empty list puts every upstream back.
 */
export async function reloadNginxUpstreams(nginx: ManagedProcess, workers: number, down: readonly number[], { waitAlways = false } = {}): Promise<void> {
  const oldWorkers = childrenOf(nginx.pid);
  writeNginxServerConf(workers, { down });
  process.kill(nginx.pid, 'SIGHUP');
  // Putting upstreams back needs no wait (the old workers' list was a subset), unless asked.
  if (down.length === 0 && !waitAlways) return;
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

/** nginx's worker processes now: those of the current configuration, and those of an earlier one finishing after a reload. */
export function nginxWorkerStates(nginx: ManagedProcess): { current: number[]; old: number[] } {
  const current: number[] = [];
  const old: number[] = [];
  for (const pid of childrenOf(nginx.pid)) {
    let title = '';
    try {
      title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // exited in between
    }
    // nginx retitles a worker told to quit by a reload "nginx: worker process is shutting down".
    if (title.includes('is shutting down')) old.push(pid);
    else if (title.startsWith('nginx: worker process')) current.push(pid);
  }
  return { current, old };
}

/**
 * Reloads nginx with every upstream in rotation and waits until the workers that ran
 * before have exited: each nginx worker keeps its own record of failed upstreams
 * (max_fails, fail_timeout), and new workers start with none.
 */
export async function freshNginxWorkers(nginx: ManagedProcess, workers: number): Promise<void> {
  await reloadNginxUpstreams(nginx, workers, [], { waitAlways: true });
}
