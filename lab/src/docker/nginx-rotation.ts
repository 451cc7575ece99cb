/**
 * Takes one of nginx's replicas out of rotation in Docker and puts it back, as
 * native/nginx-rotation.ts does with local processes: rewrite the upstream list
 * inside the nginx container (DOCKER_UPSTREAMS_FILE, every replica by address, the
 * one to restart `down`), reload nginx, and wait until the worker processes that ran
 * the old list have exited, since until then they may still send it requests.
 * Putting it back writes the default list (the replicas' DNS name) again, which
 * also picks up a restarted replica's new address.
 *
 * Why: a replica drains by emptying its accept queue, and while nginx still sends it
 * connections under a load that never stops, that queue never empties: its drain
 * would run to SHUTDOWN_TIMEOUT_MS and be forced.
 */
import { DOCKER_UPSTREAMS_FILE, dockerUpstreamServers } from '../render/nginx.js';
import { oldNginxWorkersGone } from '../resilience/nginx-reload.js';
import { capture, type DockerContext } from './engine.js';

/**
 * Reloads nginx with `down` out of rotation (and waits until no worker still sends it
 * requests), or with every replica by DNS name when `down` is undefined.
 */
export async function reloadDockerNginxUpstreams(ctx: DockerContext, nginx: string, replicas: readonly string[], down: string | undefined): Promise<void> {
  const servers = down === undefined ? dockerUpstreamServers() : dockerUpstreamServers(await replicaUpstreams(ctx, replicas, down));
  const oldWorkers = await nginxWorkers(ctx, nginx);
  // The lines are the script's arguments: the shell writes them as they are.
  await must(ctx, ['exec', nginx, 'sh', '-c', 'file="$1"; shift; printf "%s\\n" "$@" > "$file"', 'sh', DOCKER_UPSTREAMS_FILE, ...servers], `write ${DOCKER_UPSTREAMS_FILE} in ${nginx}`);
  // The container's init forwards the signal to nginx's master process.
  await must(ctx, ['kill', '-s', 'HUP', nginx], `docker kill -s HUP ${nginx}`);
  // Putting replicas back needs no wait: the old workers' list was a subset.
  if (down === undefined) return;
  await oldNginxWorkersGone(() => nginxWorkers(ctx, nginx), oldWorkers, ` (${nginx})`, 50);
}

/** Every replica by its address on the Compose network, `down` marked. */
async function replicaUpstreams(ctx: DockerContext, replicas: readonly string[], down: string): Promise<{ address: string; down: boolean }[]> {
  const res = await must(ctx, ['inspect', '--format', '{{.Name}} {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', ...replicas], 'docker inspect of the replicas');
  const addresses = parseReplicaAddresses(res);
  return replicas.map((name) => {
    const address = addresses.get(name);
    if (address === undefined) throw new Error(`nginx: replica ${name} has no address on the Compose network`);
    return { address, down: name === down };
  });
}

/** `docker inspect` lines `/name 172.18.0.5 ` → name → its first address. */
export function parseReplicaAddresses(text: string): Map<string, string> {
  const addresses = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [name, address] = line.trim().split(/\s+/);
    if (name && address) addresses.set(name.replace(/^\//, ''), address);
  }
  return addresses;
}

/** Workers of an earlier configuration still finishing after a reload (nginx retitles them "… is shutting down"). */
export async function oldNginxWorkers(ctx: DockerContext, nginx: string): Promise<number[]> {
  const res = await capture(ctx, ['exec', nginx, 'sh', '-c', 'grep -l "^nginx: worker process is shutting down" /proc/[0-9]*/cmdline 2>/dev/null; true']);
  return parseProcPaths(res.stdout);
}

/** The pids of nginx's worker processes in the container (their title starts "nginx: worker process"). */
export async function nginxWorkers(ctx: DockerContext, nginx: string): Promise<number[]> {
  const res = await capture(ctx, ['exec', nginx, 'sh', '-c', 'grep -l "^nginx: worker process" /proc/[0-9]*/cmdline 2>/dev/null; true']);
  return parseProcPaths(res.stdout);
}

/** `/proc/123/cmdline` lines → [123]. */
export function parseProcPaths(text: string): number[] {
  return [...text.matchAll(/^\/proc\/(\d+)\/cmdline$/gm)].map((m) => Number(m[1]));
}

async function must(ctx: DockerContext, args: string[], what: string): Promise<string> {
  const res = await capture(ctx, args);
  if (res.code !== 0) throw new Error(`${what} failed (exit ${res.code})`);
  return res.stdout;
}
