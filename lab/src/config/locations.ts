/**
 * Where the lab's moving parts are, from the variables that move them (tests and
 * users point them elsewhere): the results and state folders, the nginx, Prometheus
 * and promtool binaries, the docker and kubectl clients and the Compose project. Each is the
 * variable's value when given, else the default written here once.
 */
import { join } from 'node:path';
import { paths } from '../paths.js';

export type LocationEnv = Readonly<Record<string, string | undefined>>;

export const DEFAULT_NGINX = '/usr/sbin/nginx';

export interface Locations {
  /** Where reports are written (RESULTS_DIR). */
  readonly results: string;
  /** Native runtime state: rendered configs, logs, pid files (LAB_STATE_DIR). */
  readonly state: string;
  /** The nginx binary of the native nginx topology (NGINX). */
  readonly nginx: string;
  /** Prometheus 3 natively (PROMETHEUS), and its promtool (PROMTOOL). */
  readonly prometheus: string;
  readonly promtool: string;
  /** The docker client the lab runs (LAB_DOCKER). */
  readonly docker: string;
  /** The kubectl RUNTIME=kubernetes runs (KUBECTL; default: kubectl on PATH). */
  readonly kubectl: string;
  /** The Compose project the stack runs as (COMPOSE_PROJECT_NAME); undefined: the Compose file's own name. */
  readonly composeProject: string | undefined;
}

export function locationsFrom(env: LocationEnv): Locations {
  return Object.freeze({
    results: env['RESULTS_DIR'] ?? join(paths.root, 'results'),
    state: env['LAB_STATE_DIR'] ?? join(paths.root, '.lab'),
    nginx: env['NGINX'] ?? DEFAULT_NGINX,
    prometheus: env['PROMETHEUS'] ?? paths.prometheus3,
    promtool: env['PROMTOOL'] ?? paths.promtool3,
    docker: env['LAB_DOCKER'] ?? 'docker',
    kubectl: env['KUBECTL'] ?? 'kubectl',
    composeProject: env['COMPOSE_PROJECT_NAME'],
  });
}
