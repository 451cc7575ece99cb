/**
 * SIGTERM and SIGINT both start the graceful stop (PM2 sends SIGINT, container
 * runtimes SIGTERM). Handlers are installed explicitly, which also makes the
 * process stoppable as PID 1, where signals without a handler are ignored.
 */

export type StopSignal = 'SIGTERM' | 'SIGINT';

const STOP_SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

/** Calls `stop` on the first stop signal; later ones are left to the running stop. */
export function onStopSignal(stop: (signal: StopSignal) => void): void {
  let stopping = false;
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      stop(signal);
    });
  }
}
