/**
 * Exponential backoff for replacing a worker that keeps dying: the first restart
 * waits initialDelayMs, each quick death after it doubles the wait up to
 * maxDelayMs, and a worker that stayed up resetAfterUptimeMs starts over.
 */

export interface BackoffPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly resetAfterUptimeMs: number;
}

export const DEFAULT_RESTART_BACKOFF: BackoffPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  resetAfterUptimeMs: 30_000,
};

export class RestartBackoff {
  readonly #policy: BackoffPolicy;
  #nextDelayMs: number;

  constructor(policy: BackoffPolicy = DEFAULT_RESTART_BACKOFF) {
    this.#policy = policy;
    this.#nextDelayMs = policy.initialDelayMs;
  }

  /** The wait before replacing a worker that died after `uptimeMs`. */
  delayAfterExit(uptimeMs: number): number {
    if (uptimeMs >= this.#policy.resetAfterUptimeMs) this.#nextDelayMs = this.#policy.initialDelayMs;
    const delayMs = this.#nextDelayMs;
    this.#nextDelayMs = Math.min(delayMs * 2, this.#policy.maxDelayMs);
    return delayMs;
  }
}
