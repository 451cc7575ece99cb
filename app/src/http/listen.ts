/**
 * `server.listen()` as a promise that settles on 'listening' or on the first error.
 */
import type { AddressInfo, ListenOptions, Server } from 'node:net';

/** ListenOptions plus `reusePort`, which @types/node 20 does not know (Node 22.12+/23.1+). */
export interface ServerListenOptions extends ListenOptions {
  readonly reusePort?: boolean;
}

export function listen(server: Server, options: ServerListenOptions): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options);
  });
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}
