/**
 * The common tail of every serving entry point (server.js, cluster-worker.js):
 * load the heavy modules only now that the configuration is known to be valid,
 * then serve.
 */
import type { Config } from '../config/config.js';
import type { ServingIdentity } from './serving-identity.js';

export async function serve(config: Config, identity: ServingIdentity): Promise<void> {
  const { createLogger } = await import('../logging/logger.js');
  const { runServingProcess } = await import('./serving-process.js');
  const logger = createLogger({
    format: config.logFormat,
    level: config.logLevel,
    bindings: { mode: identity.mode, worker: identity.workerIndex },
  });
  await runServingProcess({ config, identity, logger });
}
