/**
 * The kernel's view of the topology's ports, from `ss` (iproute2): connections
 * waiting in a listening socket's accept queue, who holds the accepted ones, and
 * which process listens on a port. The rounds use it to fire their event only once
 * connections are really queued, and to find the process behind each worker slot
 * (the one listening on the slot's metrics port).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SocketRow {
  state: string;
  /** LISTEN: connections in the accept queue; otherwise bytes not yet read. */
  recvQ: number;
  localPort: number;
  /** The other end's port (0 where there is none, e.g. a listening socket: "*"; absent where the source does not say). */
  peerPort?: number;
  pids: number[];
}

/** Parses `ss -Htanp` output (one socket a line; users:(("node",pid=1,fd=2),…) when known). */
export function parseSs(output: string): SocketRow[] {
  const rows: SocketRow[] = [];
  for (const line of output.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const [state, recvQ, , local, peer] = fields;
    if (state === undefined || state === '' || recvQ === undefined || local === undefined) continue;
    const port = Number(local.slice(local.lastIndexOf(':') + 1));
    if (!Number.isInteger(port)) continue;
    const peerPort = peer === undefined ? 0 : Number(peer.slice(peer.lastIndexOf(':') + 1));
    rows.push({ state, recvQ: Number(recvQ), localPort: port, peerPort: Number.isInteger(peerPort) ? peerPort : 0, pids: [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])) });
  }
  return rows;
}

export async function readSockets(): Promise<SocketRow[]> {
  const { stdout } = await run('ss', ['-Htanp'], { maxBuffer: 32 * 1024 * 1024 });
  return parseSs(stdout);
}

/** Connections in the accept queues of the listening sockets on `ports`. */
export function acceptQueue(rows: readonly SocketRow[], ports: readonly number[]): number {
  return rows.filter((r) => r.state === 'LISTEN' && ports.includes(r.localPort)).reduce((n, r) => n + r.recvQ, 0);
}

/**
 * Accepted connections on `port` that no serving process holds: a round-robin
 * primary accepted them and has not handed them to a worker yet.
 */
export function heldByOthers(rows: readonly SocketRow[], port: number, servingPids: readonly number[]): number {
  return rows.filter((r) => r.localPort === port && r.state === 'ESTAB' && r.pids.length > 0 && !r.pids.some((p) => servingPids.includes(p))).length;
}

/** Accepted connections on `ports` held by `pid`. */
export function heldBy(rows: readonly SocketRow[], ports: readonly number[], pid: number): number {
  return rows.filter((r) => ports.includes(r.localPort) && r.state === 'ESTAB' && r.pids.includes(pid)).length;
}

/** For each client port among `clientPorts`, the process holding the accepted end of its connection to `port`. */
export function acceptedBy(rows: readonly SocketRow[], port: number, clientPorts: readonly number[]): Map<number, number> {
  const holders = new Map<number, number>();
  for (const r of rows) {
    const pid = r.pids[0];
    if (r.state === 'ESTAB' && r.localPort === port && r.peerPort !== undefined && clientPorts.includes(r.peerPort) && pid !== undefined) holders.set(r.peerPort, pid);
  }
  return holders;
}

/** The process listening on `port`, or null when none does. */
export function listener(rows: readonly SocketRow[], port: number): number | null {
  return rows.find((r) => r.state === 'LISTEN' && r.localPort === port)?.pids[0] ?? null;
}

/**
 * Accept-queue lengths of the listening sockets in /proc/net/tcp{,6} text: for a
 * socket in LISTEN (st 0A) rx_queue is the number of connections waiting to be
 * accepted. Reading the file takes about a millisecond, against tens for `ss -p`:
 * fast enough to catch the queue of the load's first connections.
 */
export function parseListenQueues(text: string): { port: number; queue: number }[] {
  const out: { port: number; queue: number }[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1];
    const queues = f[4];
    if (f[3] !== '0A' || local === undefined || queues === undefined) continue;
    out.push({ port: parseInt(local.slice(local.lastIndexOf(':') + 1), 16), queue: parseInt(queues.split(':')[1] ?? '0', 16) });
  }
  return out;
}

export function listenQueue(ports: readonly number[]): number {
  let total = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const l of parseListenQueues(text)) if (ports.includes(l.port)) total += l.queue;
  }
  return total;
}
