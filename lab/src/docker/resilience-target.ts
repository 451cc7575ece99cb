/**
 * The Docker runtime's side of the resilience rounds, on the stack `make up` started:
 * the rounds never rebuild it, they act on one topology's containers and leave them
 * running again afterwards (start() and stop() both bring back whatever a round
 * stopped or killed), so later rounds and commands find the stack as it was.
 *
 * graceful stop: `docker compose stop` (the services' stop_grace_period gives the drain
 * its time); rolling restart: SIGHUP to a cluster primary (`docker compose kill -s
 * SIGHUP`, forwarded by the container's init), `pm2 reload` inside app-pm2, nginx's
 * replicas restarted one at a time (each out of nginx's rotation meanwhile), single
 * restarted; kill -9: inside the container
 * for a worker of a cluster or PM2, `docker kill -s KILL` of the container for
 * single and for one of nginx's replicas (no restart policy brings it back).
 *
 * Worker slots: inside a multi-process container, the process listening on the slot's
 * metrics port (container pids); for single and nginx's replicas, each container's
 * host pid (a restarted container has a new one).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { acceptQueue, heldBy, heldByOthers, listener, parseListenQueues, type SocketRow } from '../resilience/socket-table.js';
import type { Drains, ResilienceTarget } from '../resilience/target.js';
import { parseSnapshot } from '../runner/worker-metrics.js';
import { CONTAINER_APP_PORT, CONTAINER_METRICS_PORT, topology, workerCount, type Mode } from '../topologies.js';
import { REPLICA_SERVICE } from './compose.js';
import { nginxWorkers, oldNginxWorkers, reloadDockerNginxUpstreams } from './nginx-rotation.js';
import { countDrainLines, parseContainerPids, parseContainerSockets, rollingRestartOutcome, SOCKETS_SCRIPT } from './container-sockets.js';
import { snapshotsInContainers } from './container-load.js';
import { capture, composeArgs, placementOf, runQuiet, type DockerContext } from './engine.js';
import { waitConverged } from './swarm.js';
import { followServiceLogs, forceUpdate, publishedHostPorts, scaleService, swarmNodes, updatePlan, type UpdatePlan } from './swarm-service.js';
import { byLabel } from '../model/numbers.js';

/** A restarted container or worker must serve again within this long. */
const READY_MS = 60_000;
/** A cluster primary's rolling restart must complete within this long. */
const ROLLING_RESTART_MS = 120_000;
/** Seconds `docker restart` gives a replica to drain: the Compose file's stop_grace_period. */
const STOP_GRACE_S = '18';
const NGINX_SERVICE = 'nginx';

/** Connections in the accept queue on the app port (every app and nginx listen on it in their container). */
function queueOn(procNetTcp: string): number {
  return parseListenQueues(procNetTcp).filter((l) => l.port === CONTAINER_APP_PORT).reduce((n, l) => n + l.queue, 0);
}

export class DockerTarget implements ResilienceTarget {
  readonly mode: Mode;
  readonly baseUrl: string;
  readonly slots: number;
  readonly supervised: boolean;
  readonly frontName: string;
  readonly servedPerSlot?: () => Promise<number[]>;
  readonly #ctx: DockerContext;
  readonly #service: string;
  /** Where the slots are containers of their own (single, nginx's replicas), not processes in one. */
  readonly #perContainer: boolean;
  /** RUNTIME=swarm: the Swarm stack whose services the rounds act on (swarm-service.ts); undefined: the Compose project. */
  readonly #swarm: string | undefined;
  /** Swarm: the order its rolling restart (`docker service update --force`) can run in here, learned at start(). */
  #update: UpdatePlan | undefined;
  /** Start of the round: drains are counted in the logs from then on. */
  #since = new Date().toISOString();
  #drains: Drains = { graceful: 0, forced: 0 };
  /** Swarm: each slot's host pid of the last slotPids() with its pid inside the container (one-container topologies). */
  #pidInContainer = new Map<number, number>();
  /** The container each host pid of the last slotPids() belongs to (per-container slots). */
  #containerOf = new Map<number, string>();
  /** Each container's host pid where its /proc can be read from here (null: it cannot), by container name. */
  #hostPid = new Map<string, number | null>();

  /** `workers`: WORKERS the stack was started with (`make up`), i.e. nginx's replicas. */
  constructor(mode: Mode, ctx: DockerContext, workers: number, baseUrl: string) {
    const service = topology(mode).service;
    if (service === null) throw new Error(`${mode} has no Docker service`);
    this.mode = mode;
    this.#ctx = ctx;
    this.#service = service;
    this.baseUrl = baseUrl;
    this.slots = workerCount(topology(mode), workers);
    this.#perContainer = mode === 'single' || mode === 'nginx';
    this.#swarm = ctx.swarmStack;
    // On Swarm a killed task is replaced by a new one (the stack's restart_policy): the orchestrator supervises.
    this.supervised = !this.#perContainer || this.#swarm !== undefined;
    this.frontName = mode === 'nginx' ? 'nginx' : mode === 'single' ? 'the container' : mode === 'pm2' ? "PM2's cluster primary" : 'the primary';
    // nginx's replicas are one image with one environment: every one answers as worker 0.
    if (mode === 'nginx') {
      this.servedPerSlot = async () => (await snapshotsInContainers(this.#ctx, topology(mode), this.slots, await this.#appContainers())).map((w) => w.handlerCount);
    }
  }

  /** In words, what each round does to this topology on this runtime. */
  get actions(): ResilienceTarget['actions'] {
    const mode = this.mode;
    const service = this.#service;
    if (this.#swarm !== undefined) {
      const slots = this.mode === 'nginx' ? REPLICA_SERVICE : service;
      return {
        gracefulStop: mode === 'nginx' ? 'docker service scale nginx=0, then its replicas=0' : `docker service scale ${service}=0`,
        rollingRestart: `docker service update --force ${slots}, ${this.#update?.why ?? 'its order learned at start'}${mode === 'nginx' ? '; then nginx reloaded (it resolves its replicas\' name only when it loads)' : ''}`,
        killWorker: mode === 'single' ? 'docker kill -s KILL of the task\'s container (Swarm starts a new task)' : mode === 'nginx' ? 'docker kill -s KILL of one replica\'s task (Swarm starts a new task)' : 'kill -9 of one worker inside the task\'s container',
      };
    }
    return {
      gracefulStop: mode === 'nginx' ? 'docker compose stop nginx, then its replicas' : `docker compose stop ${service}`,
      rollingRestart: mode === 'cluster' || mode === 'cluster-none' ? 'docker compose kill -s SIGHUP (the primary\'s rolling restart)'
        : mode === 'pm2' ? 'pm2 reload cluster_app inside the container'
          : mode === 'single' ? 'docker restart (no rolling restart with one process)'
            : 'each replica in turn: marked down in nginx (reload), docker restart, back in rotation (reload), wait until nginx sends it requests',
      killWorker: mode === 'single' ? 'docker kill -s KILL of the container' : mode === 'nginx' ? 'docker kill -s KILL of one replica' : 'kill -9 of one worker inside the container',
    };
  }

  /** The service holding the slots (nginx's replicas for nginx). */
  get #slotService(): string {
    return this.mode === 'nginx' ? REPLICA_SERVICE : this.#service;
  }

  /** Containers holding the slots (or the one holding all of them), stopped ones too, in replica order. */
  async #appContainers(): Promise<string[]> {
    const service = this.#slotService;
    // A Swarm task that stopped is not started again (a new task replaces it): the running ones are the slots.
    if (this.#swarm !== undefined) return placementOf(this.#ctx).containers(service);
    const res = await capture(this.#ctx, [...composeArgs(this.#ctx), 'ps', '-a', '--format', '{{.Name}}', service]);
    return res.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort(byLabel);
  }

  async #containerPids(names: readonly string[]): Promise<Map<string, number | null>> {
    if (names.length === 0) return new Map();
    return parseContainerPids((await capture(this.#ctx, ['inspect', '--format', '{{.Name}} {{.State.Running}} {{.State.Pid}}', ...names])).stdout);
  }

  #metricsPorts(): number[] {
    return Array.from({ length: this.slots }, (_, i) => CONTAINER_METRICS_PORT + i);
  }

  /** Socket rows on `ports` inside a container; none when it does not run. */
  async #sockets(container: string, ports: readonly number[]): Promise<SocketRow[]> {
    const res = await capture(this.#ctx, ['exec', container, 'node', '-e', SOCKETS_SCRIPT, ports.join(',')]);
    return res.code === 0 ? parseContainerSockets(res.stdout) : [];
  }

  async #only(): Promise<string> {
    const name = (await this.#appContainers())[0];
    if (name === undefined) throw new Error(`the Docker stack has no ${this.#service} container: run \`make up RUNTIME=${placementOf(this.#ctx).runtime}\` first`);
    return name;
  }

  async start(): Promise<void> {
    if (this.#swarm !== undefined && this.#update === undefined) {
      this.#update = updatePlan(await publishedHostPorts(this.#ctx, this.#swarm, this.#slotService), await swarmNodes(this.#ctx));
    }
    await this.#ensureUp();
    this.#since = new Date().toISOString();
    this.#drains = { graceful: 0, forced: 0 };
  }

  async slotPids(): Promise<(number | null)[]> {
    if (this.#perContainer) {
      const names = await this.#appContainers();
      const pids = await this.#containerPids(names);
      this.#containerOf = new Map(names.flatMap((n) => (pids.get(n) ? [[pids.get(n) as number, n] as const] : [])));
      return Array.from({ length: this.slots }, (_, i) => pids.get(names[i] ?? '') ?? null);
    }
    const container = await this.#only();
    const rows = await this.#sockets(container, this.#metricsPorts());
    const inContainer = this.#metricsPorts().map((port) => listener(rows, port));
    if (this.#swarm === undefined) return inContainer;
    // A Swarm update replaces the whole container, whose new workers may get the old pids
    // in their new pid namespace: slots are told apart by host pid where it can be read.
    const hostOf = await this.#hostPidsIn(container);
    const slots = inContainer.map((pid) => (pid === null ? null : hostOf.get(pid) ?? pid));
    this.#pidInContainer = new Map(inContainer.flatMap((pid, i) => (pid === null ? [] : [[slots[i] ?? pid, pid] as const])));
    return slots;
  }

  /** Each process of a container by its pid inside it, with its host pid (NSpid in the host's /proc); empty where the engine runs elsewhere. */
  async #hostPidsIn(container: string): Promise<Map<number, number>> {
    const top = await capture(this.#ctx, ['top', container, '-eo', 'pid']);
    const map = new Map<number, number>();
    for (const hostPid of top.stdout.split('\n').slice(1).map((l) => Number(l.trim())).filter((n) => n > 0)) {
      try {
        const ns = /^NSpid:\s+(.+)$/m.exec(readFileSync(`/proc/${hostPid}/status`, 'utf8'))?.[1]?.trim().split(/\s+/);
        const inner = Number(ns?.at(-1));
        if (inner > 0) map.set(inner, hostPid);
      } catch {
        // gone since, or not on this host
      }
    }
    return map;
  }

  async waiting(thorough: boolean): Promise<number> {
    const roundRobin = this.mode === 'cluster' || this.mode === 'pm2';
    const front = this.mode === 'nginx' ? await this.#nginxContainer() : await this.#only();
    const fast = await this.#hostQueue(front);
    // A round-robin primary (cluster, PM2) empties its queue at once and holds the connections until
    // a worker takes them: there the slower look inside the container at who holds what is the one that counts.
    if (fast !== null && (fast > 0 || (!thorough && !roundRobin))) return fast;
    if (this.mode === 'nginx') {
      if (fast !== null) return fast;
      // The nginx image has no node: its accept queue from /proc/net/tcp{,6} as text.
      const res = await capture(this.#ctx, ['exec', front, 'cat', '/proc/net/tcp', '/proc/net/tcp6']);
      return queueOn(res.stdout);
    }
    const rows = await this.#sockets(front, [CONTAINER_APP_PORT, ...this.#metricsPorts()]);
    const queue = acceptQueue(rows, [CONTAINER_APP_PORT]);
    if (!roundRobin) return queue;
    const serving = this.#metricsPorts().map((port) => listener(rows, port)).filter((p): p is number => p !== null);
    return queue + heldByOthers(rows, CONTAINER_APP_PORT, serving);
  }

  /**
   * The accept queue on the app port read from the host, in /proc/<pid>/net/tcp{,6} of the
   * container's main process (its network namespace): a millisecond, against a tenth of a
   * second for a `docker exec`, fast enough to catch the queue of the load's first
   * connections. Only where the engine runs on this host, which the process's cgroup
   * (naming the container's id) proves; null otherwise, and the caller looks inside.
   */
  async #hostQueue(container: string): Promise<number | null> {
    let pid = this.#hostPid.get(container);
    if (pid === undefined) {
      const res = await capture(this.#ctx, ['inspect', '--format', '{{.State.Pid}} {{.Id}}', container]);
      const [hostPid, id] = res.stdout.trim().split(' ');
      let cgroup = '';
      try {
        cgroup = readFileSync(`/proc/${hostPid}/cgroup`, 'utf8');
      } catch {
        // not on this host (a remote engine or a VM)
      }
      pid = Number(hostPid) > 0 && id !== undefined && id !== '' && cgroup.includes(id) ? Number(hostPid) : null;
      this.#hostPid.set(container, pid);
    }
    if (pid === null) return null;
    try {
      return queueOn(readFileSync(`/proc/${pid}/net/tcp`, 'utf8') + readFileSync(`/proc/${pid}/net/tcp6`, 'utf8'));
    } catch {
      // The container restarted since (a new pid): ask again next time.
      this.#hostPid.delete(container);
      return null;
    }
  }

  async #nginxContainer(): Promise<string> {
    if (this.#swarm !== undefined) {
      const task = (await placementOf(this.#ctx).containers(NGINX_SERVICE))[0];
      if (task === undefined) throw new Error('the Swarm stack has no running nginx task: run `make up RUNTIME=swarm` first');
      return task;
    }
    const res = await this.#compose(['ps', '-a', '--format', '{{.Name}}', NGINX_SERVICE], 'docker compose ps nginx');
    const name = res.trim().split('\n')[0];
    if (!name) throw new Error('the Docker stack has no nginx container: run `make up RUNTIME=docker` first');
    return name;
  }

  async frontProblems(): Promise<string[]> {
    if (this.mode !== 'nginx') return [];
    const nginx = await this.#nginxContainer();
    const [old, all] = await Promise.all([oldNginxWorkers(this.#ctx, nginx), nginxWorkers(this.#ctx, nginx)]);
    return [
      ...(old.length > 0 ? [`nginx worker(s) ${old.join(', ')} of an earlier configuration still running after a reload (${nginx})`] : []),
      ...(all.length === old.length ? [`nginx has no worker process of its current configuration (${nginx})`] : []),
    ];
  }

  /**
   * null: the probes reach nginx through Docker's port forwarding, so which of its
   * workers accepted each one cannot be read from here; they are checked together.
   */
  frontWorkers(): Promise<string[] | null> {
    return Promise.resolve(null);
  }

  frontHolders(): Promise<ReadonlyMap<number, string>> {
    return Promise.resolve(new Map());
  }

  async connectionsOf(pid: number): Promise<number> {
    if (this.#perContainer) {
      const container = this.#containerOf.get(pid);
      if (container === undefined) return 0;
      return (await this.#sockets(container, [CONTAINER_APP_PORT])).filter((r) => r.state === 'ESTAB').length;
    }
    return heldBy(await this.#sockets(await this.#only(), [CONTAINER_APP_PORT]), [CONTAINER_APP_PORT], this.#pidInContainer.get(pid) ?? pid);
  }

  async gracefulStop(): Promise<void> {
    if (this.#swarm !== undefined) {
      const stack = this.#swarm;
      this.#drains = await this.#drainsDuring(async () => {
        if (this.mode === 'nginx') await scaleService(this.#ctx, stack, NGINX_SERVICE, 0);
        await scaleService(this.#ctx, stack, this.#slotService, 0);
      });
      return;
    }
    // nginx first (its graceful quit), then what it proxies to, as the native lab does.
    if (this.mode === 'nginx') await this.#compose(['stop', NGINX_SERVICE], 'docker compose stop nginx');
    const service = this.mode === 'nginx' ? REPLICA_SERVICE : this.#service;
    await this.#compose(['stop', service], `docker compose stop ${service}`);
    this.#drains = await this.#countDrains();
  }

  drains(): Drains {
    return this.#drains;
  }

  async rollingRestart(): Promise<void> {
    if (this.#swarm !== undefined) {
      const stack = this.#swarm;
      this.#drains = await this.#drainsDuring(() => forceUpdate(this.#ctx, stack, this.#slotService, this.#update?.order ?? 'stop-first'));
      if (this.mode === 'nginx') await this.#reloadNginx();
      return;
    }
    if (this.mode === 'cluster' || this.mode === 'cluster-none') await this.#sighup();
    else if (this.mode === 'pm2') await this.#compose(['exec', '-T', this.#service, 'pm2', 'reload', 'cluster_app'], 'pm2 reload inside app-pm2');
    else for (const name of await this.#appContainers()) await this.#restartContainer(name);
    this.#drains = await this.#countDrains();
  }

  async killSlot(slot: number): Promise<number> {
    const pid = (await this.slotPids())[slot];
    if (pid === null || pid === undefined) throw new Error(`${this.mode}: nothing serves slot ${slot}`);
    if (this.#perContainer) {
      const name = (await this.#appContainers())[slot] ?? '';
      await runQuiet(this.#ctx, ['kill', '-s', 'KILL', name], `docker kill ${name}`);
      return pid;
    }
    const container = await this.#only();
    const inside = this.#pidInContainer.get(pid) ?? pid;
    await runQuiet(this.#ctx, ['exec', container, 'node', '-e', `process.kill(${inside},'SIGKILL')`], `kill -9 of pid ${inside} in ${container}`);
    // It is gone once it no longer listens on the slot's metrics port.
    const deadline = Date.now() + 5000;
    while ((await this.slotPids())[slot] === pid && Date.now() < deadline) await sleep(10);
    return pid;
  }

  /** Leaves the topology running as `make up` left it: whatever a round stopped or killed is started again. */
  async stop(): Promise<void> {
    await this.#ensureUp();
  }

  #compose(args: string[], what: string): Promise<string> {
    return runQuiet(this.#ctx, [...composeArgs(this.#ctx), ...args], what);
  }

  async #countDrains(): Promise<Drains> {
    const service = this.#slotService;
    const res = await capture(this.#ctx, [...composeArgs(this.#ctx), 'logs', '--no-color', '--since', this.#since, service], 30_000);
    return countDrainLines(res.stdout);
  }

  /** Swarm: the drains logged while `event` ran, read as they happen (a scale-down removes the stopped tasks' containers and their logs). */
  async #drainsDuring(event: () => Promise<void>): Promise<Drains> {
    const logs = followServiceLogs(this.#ctx, this.#swarm ?? '', this.#slotService, new Date(Date.now() - 1000).toISOString());
    let text = '';
    try {
      await event();
    } finally {
      text = await logs.stop();
    }
    return countDrainLines(text);
  }

  /** Starts every stopped container of the topology and waits until each slot serves. */
  async #ensureUp(): Promise<void> {
    if (this.#swarm !== undefined) {
      await this.#ensureTasks(this.#swarm);
      return;
    }
    const names = await this.#appContainers();
    if (names.length === 0) throw new Error(`the Docker stack has no ${this.#service} container: run \`make up RUNTIME=${placementOf(this.#ctx).runtime}\` first`);
    const pids = await this.#containerPids(names);
    const stopped = names.filter((n) => !pids.get(n));
    if (stopped.length > 0) await runQuiet(this.#ctx, ['start', ...stopped], `docker start ${stopped.join(' ')}`);
    for (const name of names) await this.#ready(name);
    if (this.mode === 'nginx') {
      const name = await this.#nginxContainer();
      const running = (await this.#containerPids([name])).get(name);
      if (!running) await runQuiet(this.#ctx, ['start', name], `docker start ${name}`);
      // nginx resolves app-replica when it (re)loads: a replica started again may have a new address.
      else if (stopped.length > 0) await this.#reloadNginx();
    }
    await this.#fullStrength();
  }

  /** Waits until every slot has a process and the topology answers /readyz from this machine. */
  async #fullStrength(): Promise<void> {
    const deadline = Date.now() + READY_MS;
    for (;;) {
      const slots = await this.slotPids();
      const ok = slots.every((p) => p !== null) && (await request(`${this.baseUrl}/readyz`, { headersTimeout: 2000, bodyTimeout: 2000 })
        .then(async (r) => (await r.body.dump(), r.statusCode === 200), () => false));
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${this.mode}: not serving at full strength ${READY_MS / 1000} s after starting its containers (slots: ${slots.join(', ')})`);
      await sleep(100);
    }
  }

  /** Swarm: every service of the topology back at its task count (a round may have scaled it to 0), then at full strength. */
  async #ensureTasks(stack: string): Promise<void> {
    const before = await this.#appContainers();
    if (before.length !== this.#slotContainers()) await scaleService(this.#ctx, stack, this.#slotService, this.#slotContainers());
    const names = await this.#appContainers();
    for (const name of names) await this.#ready(name);
    if (this.mode === 'nginx') {
      if ((await placementOf(this.#ctx).containers(NGINX_SERVICE)).length === 0) await scaleService(this.#ctx, stack, NGINX_SERVICE, 1);
      // nginx resolves app-replica when it (re)loads, and a task Swarm replaced (a kill, an update) has a new address.
      else await this.#reloadNginx();
    }
    await this.#fullStrength();
    // As `up` left it: Swarm counts a started task only once its health check passed.
    await waitConverged(this.#ctx, stack, this.mode === 'nginx' ? [this.#slotService, NGINX_SERVICE] : [this.#slotService], READY_MS);
  }

  /** Task containers the slots need: one per slot where each slot is a container, else one. */
  #slotContainers(): number {
    return this.#perContainer ? this.slots : 1;
  }

  /** Waits until the app in `container` answers /readyz from inside it. */
  async #ready(container: string): Promise<void> {
    const deadline = Date.now() + READY_MS;
    const script = `fetch('http://127.0.0.1:${CONTAINER_APP_PORT}/readyz',{signal:AbortSignal.timeout(2000)}).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))`;
    while ((await capture(this.#ctx, ['exec', container, 'node', '-e', script])).code !== 0) {
      if (Date.now() > deadline) throw new Error(`${this.mode}: ${container} not ready ${READY_MS / 1000} s after it started`);
      await sleep(100);
    }
  }

  /**
   * Reloads nginx with every replica in rotation, by DNS name (a restarted replica may
   * have a new address): the list is written again, so a round that failed with a
   * replica out of rotation leaves none behind.
   */
  async #reloadNginx(): Promise<void> {
    await reloadDockerNginxUpstreams(this.#ctx, await this.#nginxContainer(), [], undefined);
  }

  /** SIGHUP to the primary, then its log's own word that every slot was replaced. */
  async #sighup(): Promise<void> {
    const since = new Date(Date.now() - 1000).toISOString();
    await this.#compose(['kill', '-s', 'SIGHUP', this.#service], `docker compose kill -s SIGHUP ${this.#service}`);
    const deadline = Date.now() + ROLLING_RESTART_MS;
    for (;;) {
      const logs = (await capture(this.#ctx, [...composeArgs(this.#ctx), 'logs', '--no-color', '--since', since, this.#service], 30_000)).stdout;
      const outcome = rollingRestartOutcome(logs);
      if (outcome.done) return;
      if (outcome.aborted) throw new Error(`${this.mode}: ${outcome.aborted}`);
      if (Date.now() > deadline) throw new Error(`${this.mode}: the rolling restart did not complete within ${ROLLING_RESTART_MS / 1000} s; its logs end with:\n${logs.trim().split('\n').slice(-10).join('\n')}`);
      await sleep(100);
    }
  }

  /**
   * Drains and restarts one container (`docker restart` sends SIGTERM and gives it the
   * stop grace), waits until it serves. Behind nginx the replica is first taken out of
   * rotation (nginx-rotation.ts), then put back (nginx resolves the replicas' name
   * again: a restarted one may have a new address), and the lab waits until nginx sends
   * it requests again, so the next replica never goes down while nginx has no live upstream.
   */
  async #restartContainer(name: string): Promise<void> {
    const nginx = this.mode === 'nginx' ? await this.#nginxContainer() : undefined;
    if (!nginx) {
      await runQuiet(this.#ctx, ['restart', '-t', STOP_GRACE_S, name], `docker restart ${name}`);
      await this.#ready(name);
      return;
    }
    await reloadDockerNginxUpstreams(this.#ctx, nginx, await this.#appContainers(), name);
    try {
      await runQuiet(this.#ctx, ['restart', '-t', STOP_GRACE_S, name], `docker restart ${name}`);
      await this.#ready(name);
    } finally {
      // Back in rotation whatever happened: the nginx container outlives the round.
      await this.#reloadNginx();
    }
    const deadline = Date.now() + READY_MS;
    const metrics = `fetch('http://127.0.0.1:${CONTAINER_METRICS_PORT}/metrics').then((r)=>r.text()).then((t)=>console.log(t))`;
    for (;;) {
      // A probe through nginx, so that there is traffic even when the load has ended.
      await request(`${this.baseUrl}/`, { headersTimeout: 5000, bodyTimeout: 5000 }).then((r) => r.body.dump(), () => undefined);
      const res = await capture(this.#ctx, ['exec', name, 'node', '-e', metrics]);
      if (res.code === 0 && parseSnapshot(res.stdout).handlerCount > 0) return;
      if (Date.now() > deadline) throw new Error(`nginx: sent no request to the restarted ${name} within ${READY_MS / 1000} s`);
      await sleep(50);
    }
  }
}
