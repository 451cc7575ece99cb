/**
 * Probes a topology through its front (its published port: nginx, a cluster primary,
 * the kernel's reuseport group) and records which worker slot answered each probe
 * (the app's X-Worker header), per connection. A slot the probes never reach is not
 * in rotation, whatever its own port says.
 *
 * Connections are opened all at once and held open while `holders` names the front
 * process that accepted each one (nginx's workers each keep their own view of which
 * upstreams are alive, so each is checked on its own), then each connection sends
 * its further probes one after another: nginx (least_conn, idle upstreams tied)
 * takes turns between the upstreams it considers alive.
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';

/** A cheap route every slot answers with X-Worker. */
export const PROBE_PATH = '/readyz';
const PROBE_TIMEOUT_MS = 5000;

export interface ProbeConnection {
  /** The client's port: the front's side of the connection has it as its peer port. */
  localPort: number | null;
  /** The front process that accepted it (e.g. an nginx worker's pid), when the target can tell. */
  holder: string | null;
  /** X-Worker of every 2xx answer, in order. */
  workers: string[];
  /** Probes that got no 2xx answer: "502", "ECONNREFUSED", … */
  failures: string[];
}

export interface ProbeOptions {
  connections: number;
  requestsPerConnection: number;
  /** Names the front process holding each client port, while every probe connection is open. */
  holders?: (localPorts: readonly number[]) => Promise<ReadonlyMap<number, string>>;
}

interface Answer {
  status: number | null;
  worker: string | null;
  localPort: number | null;
  error: string | null;
}

function probe(url: URL, agent: Agent): Promise<Answer> {
  return new Promise((resolve) => {
    let localPort: number | null = null;
    const req = httpRequest(url, { agent, timeout: PROBE_TIMEOUT_MS }, (res: IncomingMessage) => {
      const worker = res.headers['x-worker'];
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? null, worker: typeof worker === 'string' ? worker : null, localPort, error: null }));
      res.once('error', (e: NodeJS.ErrnoException) => resolve({ status: null, worker: null, localPort, error: e.code ?? e.message }));
    });
    req.once('socket', (socket) => {
      const note = (): void => {
        localPort = socket.localPort ?? localPort;
      };
      if (socket.localPort !== undefined) note();
      else socket.once('connect', note);
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('probe timed out'), { code: 'ETIMEDOUT' })));
    req.once('error', (e: NodeJS.ErrnoException) => resolve({ status: null, worker: null, localPort, error: e.code ?? e.message }));
    req.end();
  });
}

function record(connection: ProbeConnection, answer: Answer): void {
  connection.localPort ??= answer.localPort;
  if (answer.status !== null && answer.status >= 200 && answer.status < 300) connection.workers.push(answer.worker ?? '?');
  else connection.failures.push(answer.status !== null ? String(answer.status) : (answer.error ?? 'no answer'));
}

export async function probeFront(baseUrl: string, options: ProbeOptions): Promise<ProbeConnection[]> {
  const url = new URL(PROBE_PATH, baseUrl);
  // One agent per connection, one socket each: every probe of a connection goes over it.
  const agents = Array.from({ length: options.connections }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  try {
    const connections: ProbeConnection[] = agents.map(() => ({ localPort: null, holder: null, workers: [], failures: [] }));
    const first = await Promise.all(agents.map((agent) => probe(url, agent)));
    first.forEach((answer, i) => record(connections[i] as ProbeConnection, answer));
    if (options.holders) {
      const ports = connections.flatMap((c) => (c.localPort === null ? [] : [c.localPort]));
      const holders = await options.holders(ports);
      for (const c of connections) c.holder = c.localPort === null ? null : (holders.get(c.localPort) ?? null);
    }
    await Promise.all(agents.map(async (agent, i) => {
      const connection = connections[i] as ProbeConnection;
      for (let n = 1; n < options.requestsPerConnection; n++) record(connection, await probe(url, agent));
    }));
    return connections;
  } finally {
    for (const agent of agents) agent.destroy();
  }
}
