/**
 * Renders nginx/templates/default.conf.template for a runtime, substituting exactly
 * what the official nginx image's envsubst would: the ${NAME} variables the lab sets,
 * and nothing else (nginx's own $variables stay).
 */
import { readFileSync } from 'node:fs';
import { paths } from '../paths.js';
import { CONTAINER_APP_PORT, NGINX_UPSTREAM_PORT, topology } from '../topologies.js';
import type { Runtime } from './prometheus.js';

export interface NginxVariables {
  NGINX_LISTEN_PORT: string;
  NGINX_UPSTREAM_SERVERS: string;
}

/** The DNS name of nginx's replicas in Docker: nginx resolves it to every replica at start. */
export const DOCKER_REPLICA_HOST = 'app-replica';

export function nginxVariables(runtime: Runtime, workers: number): NginxVariables {
  if (runtime === 'docker') {
    return {
      NGINX_LISTEN_PORT: String(CONTAINER_APP_PORT),
      NGINX_UPSTREAM_SERVERS: `server ${DOCKER_REPLICA_HOST}:${CONTAINER_APP_PORT};`,
    };
  }
  const servers = Array.from({ length: workers }, (_, i) => `server 127.0.0.1:${NGINX_UPSTREAM_PORT + i};`);
  return { NGINX_LISTEN_PORT: String(topology('nginx').port), NGINX_UPSTREAM_SERVERS: servers.join('\n    ') };
}

export function substitute(template: string, variables: Record<string, string>): string {
  return template.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => variables[name] ?? whole);
}

export function renderNginxServer(runtime: Runtime, workers: number): string {
  const vars = nginxVariables(runtime, workers);
  return substitute(readFileSync(paths.nginxTemplate, 'utf8'), { ...vars });
}

/**
 * The main context around the server block, as the official image's nginx.conf
 * gives it in Docker; natively every path points into the lab's state folder so
 * nginx runs without touching /etc/nginx or /var.
 */
export function renderNginxMain(serverConfPath: string, stateDir: string): string {
  return `# Rendered by the lab for the native runtime.
daemon off;
worker_processes auto;
pid ${stateDir}/nginx.pid;
error_log ${stateDir}/nginx-error.log warn;

events {
    worker_connections 4096;
}

http {
    access_log off;
    client_body_temp_path ${stateDir}/client_body;
    proxy_temp_path ${stateDir}/proxy;
    fastcgi_temp_path ${stateDir}/fastcgi;
    uwsgi_temp_path ${stateDir}/uwsgi;
    scgi_temp_path ${stateDir}/scgi;
    include ${serverConfPath};
}
`;
}
