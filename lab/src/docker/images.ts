/**
 * Every image the Docker stack pulls, pinned to an exact tag in one place: the
 * Compose generator writes them, app/Dockerfile's FROM lines are checked against
 * NODE_IMAGE by the tests.
 */

/** Node 24 LTS, slim Debian: the app's build and runtime stages (app/Dockerfile). */
export const NODE_IMAGE = 'node:24.21.0-bookworm-slim';

export const IMAGES = {
  nginx: 'nginx:1.30.4-alpine',
  // 3.13 is Prometheus' current LTS (3.5 LTS ended 2026-07-31); 3.13.3 its latest patch in the release notes.
  prometheus: 'prom/prometheus:v3.13.3',
  // 12.4 is the last Grafana 12 minor (Grafana 11 reached end of life in June 2026); 12.4.3 per its CHANGELOG.
  grafana: 'grafana/grafana:12.4.3',
  k6: 'grafana/k6:1.8.1',
} as const;

/** The one image all app services run, built locally from app/Dockerfile, never pulled. */
export const APP_IMAGE = 'nodejs-clustering-lab/app:local';
