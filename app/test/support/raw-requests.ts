/**
 * Requests over connections opened ahead of time, so a test knows each one was
 * accepted by the server before anything else happens (a signal, say).
 */
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly body: string;
  /** Date.now() when the answer ended. */
  readonly receivedAt: number;
}

export class OpenConnection {
  readonly #socket: Socket;

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  static open(port: number, host = '127.0.0.1'): Promise<OpenConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new OpenConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends one GET with Connection: close and resolves with the answer. */
  get(path: string): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.#socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.#socket.once('error', reject);
      this.#socket.once('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
        if (!match) {
          reject(new Error(`no HTTP answer on ${path}: ${JSON.stringify(text)}`));
          return;
        }
        resolve({ status: Number(match[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4), receivedAt: Date.now() });
      });
      this.#socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
