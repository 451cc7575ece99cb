/**
 * The end of an nginx reload that took an upstream out of rotation, in either
 * runtime: nginx starts workers on the new configuration, then tells the old ones
 * to finish their requests and quit. Until they have exited they may still send
 * the upstream requests, so the upstream is stopped only after that.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** nginx's old workers finish their requests in flight first; they must be gone within this long. */
const OLD_WORKERS_EXIT_MS = 30_000;

/** Resolves once none of `oldWorkers` is among nginx's `workers()` and new ones run; rejects after OLD_WORKERS_EXIT_MS. */
export async function oldNginxWorkersGone(workers: () => readonly number[] | Promise<readonly number[]>, oldWorkers: readonly number[], where: string, pollMs: number): Promise<void> {
  const deadline = Date.now() + OLD_WORKERS_EXIT_MS;
  for (;;) {
    const now = await workers();
    const left = oldWorkers.filter((pid) => now.includes(pid));
    // New workers are started before the old ones are told to quit: wait for both.
    if (left.length === 0 && now.length > 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        left.length > 0
          ? `nginx${where}: worker(s) ${left.join(', ')} still running ${OLD_WORKERS_EXIT_MS / 1000} s after the reload`
          : `nginx${where}: no worker running ${OLD_WORKERS_EXIT_MS / 1000} s after the reload`,
      );
    }
    await sleep(pollMs);
  }
}
