/**
 * Where the connections waiting for this serving process are queued: in the
 * accept queue of its own listening socket (single, reusePort instance,
 * CLUSTER_SCHEDULING=none, where the socket is shared with the other workers),
 * and, for a node:cluster worker (ours or PM2's), also in its primary, which
 * under round-robin accepts every connection itself and hands them over one at a
 * time.
 */
import cluster from 'node:cluster';
import type { WaitingConnectionsScope } from '../http/waiting-connections.js';

export function queueScope(port: number): WaitingConnectionsScope {
  const holders = cluster.isWorker ? [process.pid, process.ppid] : [process.pid];
  return { port, holders, acceptor: process.pid };
}
