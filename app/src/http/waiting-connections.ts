/**
 * How many connections to the application port are waiting to be accepted,
 * read from the kernel (Linux /proc): the accept queue of every listening socket
 * on the port held by the `holders`, plus the connections a holder has accepted
 * but not handed on yet and whose client still waits (established) (a node:cluster round-robin primary, or PM2's daemon,
 * accepts connections and keeps them until a worker acknowledges one).
 *
 * Node exposes neither number: a listening socket's backlog lives in the kernel,
 * and the round-robin primary's queue is internal to node:cluster. Where /proc
 * cannot be read (not Linux), the answer is undefined and callers fall back to
 * watching their own event loop.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface WaitingConnectionsScope {
  /** The application port. */
  readonly port: number;
  /**
   * Processes whose listening sockets on the port and whose accepted-but-not-handed-on
   * connections count as waiting: this process, plus its cluster primary when the
   * primary accepts on its behalf.
   */
  readonly holders: readonly number[];
  /** The process that serves: a connection it already holds is not waiting. */
  readonly acceptor?: number;
}

/** A function that answers "how many are waiting now?", undefined when unknown. */
export type WaitingConnections = () => number | undefined;

const TCP_TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];
/** st column of /proc/net/tcp for a listening socket. */
const TCP_LISTEN = '0A';
/** st column of /proc/net/tcp for an established connection. */
const TCP_ESTABLISHED = '01';
const SOCKET_LINK = /^socket:\[(\d+)\]$/;

interface TcpSocket {
  readonly localPort: number;
  readonly listening: boolean;
  /** Open in both directions: a client that closed its side (CLOSE-WAIT) no longer waits. */
  readonly established: boolean;
  /** For a listening socket: connections in its accept queue. */
  readonly receiveQueue: number;
  readonly inode: string;
}

export function waitingConnectionsOf(scope: WaitingConnectionsScope): WaitingConnections {
  return () => countWaitingConnections(scope);
}

export function countWaitingConnections(scope: WaitingConnectionsScope): number | undefined {
  try {
    const held = new Set<string>();
    for (const pid of scope.holders) for (const inode of socketInodes(pid)) held.add(inode);
    const accepted = scope.acceptor === undefined ? new Set<string>() : socketInodes(scope.acceptor);
    let waiting = 0;
    const seen = new Set<string>();
    for (const socket of readTcpSockets()) {
      if (socket.localPort !== scope.port || !held.has(socket.inode) || seen.has(socket.inode)) continue;
      seen.add(socket.inode);
      if (socket.listening) waiting += socket.receiveQueue;
      else if (socket.established && !accepted.has(socket.inode)) waiting += 1;
    }
    return waiting;
  } catch {
    return undefined;
  }
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  const directory = `/proc/${pid}/fd`;
  for (const fd of readdirSync(directory)) {
    let target: string;
    try {
      target = readlinkSync(`${directory}/${fd}`);
    } catch {
      continue; // closed while we looked
    }
    const match = SOCKET_LINK.exec(target);
    if (match?.[1] !== undefined) inodes.add(match[1]);
  }
  return inodes;
}

function readTcpSockets(): TcpSocket[] {
  const sockets: TcpSocket[] = [];
  let tablesRead = 0;
  for (const table of TCP_TABLES) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6, say
    }
    tablesRead++;
    for (const line of text.split('\n').slice(1)) {
      const socket = parseTcpLine(line);
      if (socket) sockets.push(socket);
    }
  }
  if (tablesRead === 0) throw new Error('no /proc/net/tcp');
  return sockets;
}

/** One row: `sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...`. */
export function parseTcpLine(line: string): TcpSocket | undefined {
  const fields = line.trim().split(/\s+/);
  const local = fields[1];
  const state = fields[3];
  const queues = fields[4];
  const inode = fields[9];
  if (local === undefined || state === undefined || queues === undefined || inode === undefined) return undefined;
  const portHex = local.slice(local.lastIndexOf(':') + 1);
  const receiveHex = queues.slice(queues.indexOf(':') + 1);
  return {
    localPort: Number.parseInt(portHex, 16),
    listening: state === TCP_LISTEN,
    established: state === TCP_ESTABLISHED,
    receiveQueue: Number.parseInt(receiveHex, 16),
    inode,
  };
}
