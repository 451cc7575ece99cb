/**
 * Tells the parent process that this one is ready to serve: PM2's wait_ready and
 * the cluster primary both wait for the message 'ready'. Without an IPC channel
 * (a process started by hand) it does nothing.
 */

export const READY_MESSAGE = 'ready';

export function signalReady(): void {
  if (process.send && process.connected) process.send(READY_MESSAGE);
}
