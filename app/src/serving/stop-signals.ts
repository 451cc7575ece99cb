/**
 * What starts a stop.
 *
 * SIGTERM and SIGINT start the graceful stop (PM2 sends SIGINT, container
 * runtimes SIGTERM). Handlers are installed explicitly, which also makes the
 * process stoppable as PID 1, where signals without a handler are ignored.
 *
 * A cluster worker can also be retired by its primary (RETIRE_MESSAGE over IPC):
 * a rolling restart sends it once the worker's replacement is ready, so the
 * connections still waiting in the shared queue have someone else to go to.
 */

export type StopSignal = 'SIGTERM' | 'SIGINT';
/** A stop signal, or 'retire': the primary's message that a replacement serves the queue. */
export type StopCause = StopSignal | 'retire';

/** The IPC message a cluster primary sends a worker whose replacement is ready. */
export const RETIRE_MESSAGE = 'retire';

const STOP_SIGNALS: readonly StopSignal[] = ['SIGTERM', 'SIGINT'];

/** Calls `stop` on the first stop signal; later ones are left to the running stop. */
export function onStopSignal(stop: (signal: StopSignal) => void): void {
  onStopRequest(
    (cause) => {
      if (cause !== 'retire') stop(cause);
    },
    { retire: false },
  );
}

/**
 * Calls `stop` on the first stop signal or, when `retire` is set and the process
 * has an IPC channel, on the first RETIRE_MESSAGE; what comes later is left to
 * the running stop.
 */
export function onStopRequest(stop: (cause: StopCause) => void, { retire }: { readonly retire: boolean }): void {
  let stopping = false;
  const once = (cause: StopCause): void => {
    if (stopping) return;
    stopping = true;
    stop(cause);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => once(signal));
  if (retire && process.send) {
    const onMessage = (message: unknown): void => {
      if (message !== RETIRE_MESSAGE) return;
      process.off('message', onMessage);
      once('retire');
    };
    process.on('message', onMessage);
  }
}
