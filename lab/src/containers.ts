/**
 * What every container runtime of the lab runs, defined once: the images, the app
 * container's CPU budget and the app's drain deadlines. docker/ (Compose) and
 * kubernetes/ (manifests) both render these; neither imports the other.
 */

/** Node 24 LTS, slim Debian: the app's build and runtime stages (app/Dockerfile), and the runner's image. */
export const NODE_IMAGE = 'node:24.21.0-bookworm-slim';

/** The one image all app services run, built locally from app/Dockerfile, never pulled. */
export const APP_IMAGE = 'nodejs-clustering-lab/app:local';

/** nginx in front of the replicas (Docker's nginx service, Kubernetes' nginx Deployment). */
export const NGINX_IMAGE = 'nginx:1.30.4-alpine';

/** Default of APP_CPUS, the CPU limit of every app container (WORKERS' default: the topology table's). */
export const DEFAULT_APP_CPUS = 2;

/**
 * The app's drain deadlines inside a container: its SHUTDOWN_TIMEOUT_MS default (10 s,
 * app/src/config/config.ts) and PM2's kill_timeout of SHUTDOWN_TIMEOUT_MS + 3 s
 * (app/ecosystem.config.cjs). A runtime's stop grace must lie above both.
 */
export const APP_SHUTDOWN_TIMEOUT_MS = 10_000;
export const PM2_KILL_TIMEOUT_MS = APP_SHUTDOWN_TIMEOUT_MS + 3000;

/**
 * Liveness: a container is restarted (Kubernetes' liveness probe) or replaced (a Swarm
 * task's health check: Swarm replaces an unhealthy task) only once it has not answered
 * for longer than the runner's own request timeout (the scenario's timeoutMs). Every
 * probe goes through the app's event loop, the one /heavy saturates: a container that
 * still answers within the timeout the lab accepts is saturated, not dead, and replacing
 * it turns a slow container into lost requests.
 */
export const LIVENESS_PERIOD_SECONDS = 10;
export const LIVENESS_TIMEOUT_SECONDS = 10;

/** Liveness' failure threshold: unanswered for longer than the request timeout before a restart. */
export function livenessFailureThreshold(timeoutMs: number): number {
  return Math.ceil(timeoutMs / 1000 / LIVENESS_PERIOD_SECONDS) + 1;
}
