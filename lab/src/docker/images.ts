/**
 * Every image the Docker stack pulls, pinned to an exact tag in one place: the
 * Compose generator writes them, app/Dockerfile's FROM lines are checked against
 * NODE_IMAGE by the tests.
 */

import { NGINX_IMAGE } from '../containers.js';

/** Node 24 LTS (the app's build and runtime stages), the app's own image and nginx's: pinned in the core (containers.ts), for Kubernetes too. */
export { APP_IMAGE, NODE_IMAGE } from '../containers.js';

export const IMAGES = {
  nginx: NGINX_IMAGE,
  // 3.13 is Prometheus' current LTS (3.5 LTS ended 2026-07-31); 3.13.3 its latest patch in the release notes.
  prometheus: 'prom/prometheus:v3.13.3',
  // 12.4 is the last Grafana 12 minor (Grafana 11 reached end of life in June 2026); 12.4.3 per its CHANGELOG.
  grafana: 'grafana/grafana:12.4.3',
  k6: 'grafana/k6:1.8.1',
} as const;
