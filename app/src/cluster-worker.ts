/**
 * Entry point of a node:cluster worker, forked by primary.js into a slot.
 */
import { exitOnConfigError, loadConfigOrExit } from './config/load-config.js';
import { serve } from './serving/serve.js';
import { clusterWorkerIdentity } from './serving/serving-identity.js';

const config = loadConfigOrExit('cluster-worker');
const identity = exitOnConfigError(() => clusterWorkerIdentity(config, process.env));

await serve(config, identity);
