/**
 * Free TCP ports for processes under test: never a fixed port.
 */
import { createServer } from 'node:net';

/** True when nothing listens on `port` on any interface. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ port, exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** A port the kernel picked as free. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * `count` consecutive free ports (a metrics block: METRICS_PORT + 0..N). The base
 * is random below Linux's ephemeral range (32768+), so outgoing connections do
 * not take them in the meantime.
 */
export async function freePortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * (32_000 - 10_000 - count));
    let allFree = true;
    for (let port = base; port < base + count && allFree; port++) allFree = await isPortFree(port);
    if (allFree) return base;
  }
  throw new Error(`no block of ${count} free ports found`);
}

/** An application port and a metrics block that do not overlap. */
export async function freePorts(metricsCount: number): Promise<{ port: number; metricsPort: number }> {
  const base = await freePortBlock(metricsCount + 1);
  return { port: base, metricsPort: base + 1 };
}
