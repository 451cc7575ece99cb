/**
 * The last step of a node:cluster worker's stop (ours or PM2's), after its drain
 * and before it exits: a round trip with the primary, through
 * cluster.worker.disconnect().
 *
 * Why it is needed: under round-robin the primary hands connections to a worker
 * over IPC, and it learns that the worker stopped listening only when it reads
 * the worker's 'close' message. A connection it sent before that is still on its
 * way; when it arrives, node:cluster answers "not accepted" and the primary gives
 * it to another worker. A worker that exits first takes that connection with it:
 * the primary never gets an answer, and the client waits until it times out.
 *
 * Why this round trip settles it: disconnect() sends a message after everything
 * the worker sent before (its 'close' included) and waits for the primary's
 * answer. IPC is ordered both ways, so when the answer arrives, every connection
 * the primary sent before it has arrived too and has been sent back.
 */
import cluster from 'node:cluster';

/** If the primary does not answer (it is gone or stuck), exit anyway after this long. */
const PRIMARY_ANSWER_TIMEOUT_MS = 2000;

/** Resolves once the primary has answered (or at once outside a cluster). Never rejects. */
export function leaveCluster(): Promise<void> {
  const worker = cluster.worker;
  if (!cluster.isWorker || worker === undefined || !worker.isConnected()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, PRIMARY_ANSWER_TIMEOUT_MS);
    worker.once('disconnect', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.disconnect();
  });
}
