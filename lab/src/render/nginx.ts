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
/**
 * In Docker the upstream's servers sit in a file of their own, outside the read-only
 * mount: the nginx service writes the default list there at start, and the resilience
 * rounds write one replica `down` while they restart it (docker/nginx-rotation.ts).
 */
export const DOCKER_UPSTREAMS_FILE = '/etc/nginx/lab-upstreams/servers.conf';

/** A Docker upstream server: a replica's address, `down` while it is out of rotation. */
export interface DockerUpstream {
  readonly address: string;
  readonly down: boolean;
}

/** The lines of DOCKER_UPSTREAMS_FILE: every replica by DNS name, or the given replicas by address. */
export function dockerUpstreamServers(replicas?: readonly DockerUpstream[]): string[] {
  if (replicas === undefined) return [`server ${DOCKER_REPLICA_HOST}:${CONTAINER_APP_PORT};`];
  return replicas.map((r) => `server ${r.address}:${CONTAINER_APP_PORT}${r.down ? ' down' : ''};`);
}

export interface UpstreamOptions {
  /**
   * Native upstream slots marked `down`: nginx sends them no new request, so one can
   * be drained and restarted while the others serve (the resilience rounds). Docker's
   * list is a file of its own (DOCKER_UPSTREAMS_FILE).
   */
  readonly down?: readonly number[];
}

export function nginxVariables(runtime: Runtime, workers: number, { down = [] }: UpstreamOptions = {}): NginxVariables {
  if (runtime === 'docker') {
    return {
      NGINX_LISTEN_PORT: String(CONTAINER_APP_PORT),
      NGINX_UPSTREAM_SERVERS: `include ${DOCKER_UPSTREAMS_FILE};`,
    };
  }
  const servers = Array.from({ length: workers }, (_, i) => `server 127.0.0.1:${NGINX_UPSTREAM_PORT + i}${down.includes(i) ? ' down' : ''};`);
  return { NGINX_LISTEN_PORT: String(topology('nginx').port), NGINX_UPSTREAM_SERVERS: servers.join('\n    ') };
}

export function substitute(template: string, variables: Record<string, string>): string {
  return template.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => variables[name] ?? whole);
}

export function renderNginxServer(runtime: Runtime, workers: number, upstreams: UpstreamOptions = {}): string {
  const vars = nginxVariables(runtime, workers, upstreams);
  return substitute(readFileSync(paths.nginxTemplate, 'utf8'), { ...vars });
}

/**
 * The main context around the server block, the same in both runtimes (Docker mounts
 * it from nginx/docker/, see renderDockerNginx); natively every path points into the
 * lab's state folder so nginx runs without touching /etc/nginx or /var.
 */
export function renderNginxMain(serverConfPath: string, stateDir: string, errorLog = `${stateDir}/nginx-error.log`, runtime: Runtime = 'native'): string {
  return `# Rendered by the lab for the ${runtime} runtime (lab/src/render/nginx.ts).
daemon off;
worker_processes auto;
pid ${stateDir}/nginx.pid;
error_log ${errorLog} warn;

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

/** Where the Docker rendering lives in the repository (mounted at /etc/nginx/lab). */
export const DOCKER_NGINX_FILES = { main: 'nginx.conf', server: 'default.conf' } as const;

/**
 * nginx's files for Docker: the same main config as natively (state in /tmp, errors to
 * the container's log) and the server block for the replicas, for `make generate`.
 */
export function renderDockerNginx(configDir: string): Record<string, string> {
  return {
    [DOCKER_NGINX_FILES.main]: renderNginxMain(`${configDir}/${DOCKER_NGINX_FILES.server}`, '/tmp', '/dev/stderr', 'docker'),
    [DOCKER_NGINX_FILES.server]: renderNginxServer('docker', 1),
  };
}
