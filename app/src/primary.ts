/**
 * Entry point of the node:cluster model: `node app/dist/primary.js`.
 */
import { loadConfigOrExit } from './config/load-config.js';

// Validated before anything heavy is loaded, so a bad value exits at once.
const config = loadConfigOrExit('cluster-primary');
const mode = config.labMode ?? 'cluster';

const { createLogger } = await import('./logging/logger.js');
const { runPrimaryProcess } = await import('./cluster/primary-process.js');
const logger = createLogger({ format: config.logFormat, level: config.logLevel, bindings: { mode, worker: 'primary' } });

await runPrimaryProcess({ config, mode, logger });
