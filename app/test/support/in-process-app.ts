/**
 * The application with its HTTP server and metrics, in the test process, on a
 * port picked by the kernel.
 */
import type { TestContext } from 'node:test';
import { createApp } from '../../src/http/app.js';
import { GracefulHttpServer } from '../../src/http/graceful-http-server.js';
import { TextLogger } from '../../src/logging/text-logger.js';
import { createServingMetrics, type ServingMetrics } from '../../src/metrics/serving-metrics.js';

export interface InProcessApp {
  readonly origin: string;
  readonly server: GracefulHttpServer;
  readonly metrics: ServingMetrics;
}

export async function startInProcessApp(t: TestContext, workerIndex = 2): Promise<InProcessApp> {
  const server = new GracefulHttpServer({ keepAliveTimeoutMs: 65_000 });
  const metrics = createServingMetrics({ mode: 'test', worker: String(workerIndex) }, server);
  server.handle(
    createApp({
      worker: { index: workerIndex, pid: process.pid },
      heavy: { defaultIterations: 5_000_000, maxIterations: 100_000_000 },
      readiness: server,
      logger: new TextLogger('silent'),
      requestDuration: metrics.requestDuration,
    }),
  );
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  t.after(async () => {
    server.server.closeAllConnections();
    await server.drain({ timeoutMs: 1000, waiting: () => 0 });
  });
  return { origin: `http://127.0.0.1:${address.port}`, server, metrics };
}
