/**
 * Entry point of a node:cluster worker, forked by primary.js into a slot.
 */
import { exitOnConfigError, loadConfigOrExit } from './config/load-config.js';
import { clusterWorkerIdentity } from './serving/serving-identity.js';

const config = loadConfigOrExit('cluster-worker');
const identity = exitOnConfigError(() => clusterWorkerIdentity(config, process.env));

const { createLogger } = await import('./logging/logger.js');
const { runServingProcess } = await import('./serving/serving-process.js');
const logger = createLogger({
  format: config.logFormat,
  level: config.logLevel,
  bindings: { mode: identity.mode, worker: identity.workerIndex },
});

await runServingProcess({ config, identity, logger });
