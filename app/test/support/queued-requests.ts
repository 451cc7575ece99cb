/**
 * Requests that queue behind CPU-bound ones: each on a fresh connection, sent as
 * soon as the kernel completes the handshake, whether or not the server has
 * accepted the connection yet.
 */
import { connect } from 'node:net';
import { sleep } from './process-under-test.js';
import { connectionsHeldBy, portSockets } from './socket-table.js';

export interface QueuedAnswer {
  /** HTTP status, or undefined when the connection failed (reset, closed without an answer, timed out). */
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly worker: string | undefined;
  readonly workerPid: string | undefined;
  /** Date.now() when the answer ended. */
  readonly receivedAt: number;
}

export function sendQueued(port: number, path: string, timeoutMs = 30_000): Promise<QueuedAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let error: string | undefined;
    socket.setTimeout(timeoutMs, () => {
      error = 'timeout';
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (failure: NodeJS.ErrnoException) => {
      error = failure.code ?? failure.message;
    });
    socket.once('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      const headerValue = (name: string): string | undefined => new RegExp(`^${name}: (.*)\r$`, 'im').exec(text)?.[1];
      resolve({
        status: status === undefined ? undefined : Number(status),
        error: status === undefined ? (error ?? 'closed without an answer') : undefined,
        worker: headerValue('X-Worker'),
        workerPid: headerValue('X-Worker-Pid'),
        receivedAt: Date.now(),
      });
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  });
}

/**
 * Sends long `/heavy` requests on fresh connections until every one of
 * `servingPids` holds one (it is then busy for a while), checked with `ss`.
 */
export async function occupyEveryProcess(port: number, servingPids: readonly number[], path: string, timeoutMs?: number): Promise<Promise<QueuedAnswer>[]> {
  const blockers: Promise<QueuedAnswer>[] = [];
  for (let attempt = 0; attempt < 12; attempt++) {
    const sockets = portSockets(port);
    if (servingPids.every((pid) => connectionsHeldBy(sockets, pid) > 0)) return blockers;
    blockers.push(sendQueued(port, path, timeoutMs));
    await sleep(150);
  }
  throw new Error(`could not give each of ${servingPids.join(', ')} a request to work on`);
}

/** Opens `count` connections at once, each sending `path`; resolves once every one is connected. */
export async function queueRequests(port: number, count: number, path: string, timeoutMs?: number): Promise<Promise<QueuedAnswer>[]> {
  const answers = Array.from({ length: count }, () => sendQueued(port, path, timeoutMs));
  await sleep(200); // handshakes done; a round-robin primary has accepted them
  return answers;
}

export function describeAnswers(answers: readonly QueuedAnswer[]): string {
  const byOutcome = new Map<string, number>();
  for (const answer of answers) {
    const key = answer.status === undefined ? `failed (${answer.error ?? ''})` : String(answer.status);
    byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
  }
  return JSON.stringify(Object.fromEntries(byOutcome));
}
