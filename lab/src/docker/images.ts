/**
 * Every image the Docker stack pulls, pinned to an exact tag in one place: the
 * Compose generator writes them, app/Dockerfile's FROM lines are checked against
 * NODE_IMAGE by the tests.
 */

/** Node 24 LTS, slim Debian: the app's build and runtime stages (app/Dockerfile). */
export const NODE_IMAGE = 'node:24.21.0-bookworm-slim';

export const IMAGES = {
  nginx: 'nginx:1.30.4-alpine',
  prometheus: 'prom/prometheus:v3.5.0',
  grafana: 'grafana/grafana:11.6.14',
  k6: 'grafana/k6:1.8.1',
} as const;

/** The one image all app services run, built locally from app/Dockerfile, never pulled. */
export const APP_IMAGE = 'nodejs-clustering-lab/app:local';
