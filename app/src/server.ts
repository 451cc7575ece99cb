/**
 * Entry point of a single serving process: `node app/dist/server.js`, by hand or
 * as one of PM2's cluster-mode instances (see ecosystem.config.cjs).
 */
import { exitOnConfigError, loadConfigOrExit } from './config/load-config.js';
import { serve } from './serving/serve.js';
import { isPm2Instance, pm2Identity, singleIdentity } from './serving/serving-identity.js';

// Validated before anything heavy is loaded, so a bad value exits at once.
const underPm2 = isPm2Instance(process.env);
const config = loadConfigOrExit(underPm2 ? 'pm2' : 'single');
const identity = exitOnConfigError(() => (underPm2 ? pm2Identity(config, process.env) : singleIdentity(config)));

await serve(config, identity);
