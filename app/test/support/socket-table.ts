/**
 * The kernel's view of the application port, from `ss` (iproute2), independent
 * of the app's own count: connections waiting in a listening socket's accept
 * queue, and which processes hold the accepted ones.
 */
import { execFileSync } from 'node:child_process';

export interface PortSockets {
  /** Sum of Recv-Q over the LISTEN sockets on the port: connections not accepted yet. */
  readonly acceptQueue: number;
  /** Accepted connections on the port, with the pids holding each. */
  readonly connections: readonly (readonly number[])[];
}

export function portSockets(port: number): PortSockets {
  const output = execFileSync('ss', ['-Htanp', `sport = :${port}`], { encoding: 'utf8' });
  let acceptQueue = 0;
  const connections: number[][] = [];
  for (const line of output.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const [state, receiveQueue] = fields;
    if (state === undefined || receiveQueue === undefined || state === '') continue;
    if (state === 'LISTEN') acceptQueue += Number(receiveQueue);
    else if (state !== 'TIME-WAIT') connections.push([...line.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1])));
  }
  return { acceptQueue, connections };
}

/** Connections on the port held by `pid`. */
export function connectionsHeldBy(sockets: PortSockets, pid: number): number {
  return sockets.connections.filter((pids) => pids.includes(pid)).length;
}

/**
 * Connections waiting for a worker: the accept queue, plus those a round-robin
 * primary (`primaryPid`) accepted and holds without any of `servingPids`.
 */
export function waitingConnections(sockets: PortSockets, servingPids: readonly number[], primaryPid?: number): number {
  const heldByPrimary =
    primaryPid === undefined
      ? 0
      : sockets.connections.filter((pids) => pids.includes(primaryPid) && !pids.some((pid) => servingPids.includes(pid))).length;
  return sockets.acceptQueue + heldByPrimary;
}
