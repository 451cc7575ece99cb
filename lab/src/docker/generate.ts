#!/usr/bin/env node
/**
 * Writes docker-compose.yml from the topology table, docker-stack.yml (Swarm) from its model, and nginx/docker/ (the main config
 * and server block the nginx service mounts, rendered as natively): `npm run generate -w lab`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { paths } from '../paths.js';
import { renderDockerNginx } from '../render/nginx.js';
import { NGINX_CONFIG_DIR, renderCompose } from './compose.js';
import { renderSwarmStack } from './swarm-stack.js';

const written: string[] = [];
writeFileSync(paths.composeFile, renderCompose());
written.push(paths.composeFile);
writeFileSync(paths.swarmStackFile, renderSwarmStack());
written.push(paths.swarmStackFile);
const nginxDir = join(paths.root, 'nginx', 'docker');
mkdirSync(nginxDir, { recursive: true });
for (const [name, text] of Object.entries(renderDockerNginx(NGINX_CONFIG_DIR))) {
  writeFileSync(join(nginxDir, name), text);
  written.push(join(nginxDir, name));
}
for (const file of written) process.stdout.write(`wrote ${relative(process.cwd(), file) || file}\n`);
