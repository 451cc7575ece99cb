/**
 * The native runtime's side of the resilience rounds: a topology from local
 * processes (topology-runner.ts), worker slots found by who listens on each slot's
 * metrics port (a draining process frees it first, so it names the live one), and
 * the topology's own way of restarting: SIGHUP to a cluster primary, `pm2 reload`
 * with the lab's PM2_HOME, or instances drained and restarted one at a time.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import type { RunScope } from './native-runtime.js';
import { isAlive, logTail, readRegistry, spawnManaged, stopGroups, stopManaged, type ManagedProcess } from './processes.js';
import { freshNginxWorkers, nginxWorkerStates, reloadNginxUpstreams } from './nginx-rotation.js';
import { baseUrl, plan, startTopology, type RunningTopology } from './topology-runner.js';
import { snapshot } from '../runner/worker-metrics.js';
import { paths } from '../paths.js';
import { NGINX_UPSTREAM_PORT, topology, workerCount, type Mode, type Topology } from '../topologies.js';
import { acceptedBy, acceptQueue, heldBy, heldByOthers, listenQueue, listener, readSockets } from '../resilience/socket-table.js';
import type { Drains, ResilienceTarget } from '../resilience/target.js';
import { inheritedEnv, locations } from '../config/environment.js';

/** A restarted instance must serve again within this long, or the round fails with its log. */
const INSTANCE_READY_MS = 30_000;
/** A cluster primary's rolling restart must complete within this long. */
const ROLLING_RESTART_MS = 120_000;

export interface NativeTargetOptions {
  workers: number;
  node: string;
  /** Extra environment for the app processes (tests). */
  env?: Record<string, string>;
}

/** The instance names a topology restarts one at a time (nginx's upstreams, reuseport's instances, single). */
function instanceName(mode: Mode, slot: number): string {
  if (mode === 'nginx') return `nginx-app-${slot}`;
  if (mode === 'reuseport') return `reuseport-${slot}`;
  return 'single';
}

function pm2Bin(): string {
  const require = createRequire(join(paths.app, 'package.json'));
  return join(require.resolve('pm2/package.json'), '..', 'bin', 'pm2');
}

function exitOf(command: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: inheritedEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** "Stopped gracefully" and "Stop forced" lines (the app's own words at the end of a drain) in these logs. */
function countDrains(logs: readonly string[]): Drains {
  const drains = { graceful: 0, forced: 0 };
  for (const log of logs) {
    let text = '';
    try {
      text = readFileSync(log, 'utf8');
    } catch {
      continue;
    }
    drains.graceful += [...text.matchAll(/Stopped gracefully in /g)].length;
    drains.forced += [...text.matchAll(/Stop forced by the /g)].length;
  }
  return drains;
}

function gone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

export class NativeTarget implements ResilienceTarget {
  readonly mode: Mode;
  readonly baseUrl: string;
  readonly slots: number;
  readonly supervised: boolean;
  readonly actions: ResilienceTarget['actions'];
  readonly frontName: string;
  readonly #t: Topology;
  readonly #options: NativeTargetOptions;
  readonly #scope: RunScope;
  #running: RunningTopology | undefined;
  /** Drains logged by instances whose log a restart has since started afresh. */
  #earlierDrains: Drains = { graceful: 0, forced: 0 };

  constructor(mode: Mode, options: NativeTargetOptions, scope: RunScope) {
    this.mode = mode;
    this.#t = topology(mode);
    this.#options = options;
    this.#scope = scope;
    this.baseUrl = baseUrl(this.#t);
    this.slots = workerCount(this.#t, options.workers);
    this.supervised = mode === 'cluster' || mode === 'cluster-none' || mode === 'pm2';
    this.frontName = mode === 'nginx' ? 'nginx' : mode === 'pm2' ? "PM2's cluster primary" : mode === 'reuseport' ? "the kernel's reuseport group" : mode === 'single' ? 'the process' : 'the primary';
    this.actions = {
      gracefulStop: mode === 'nginx' ? 'SIGQUIT to nginx (graceful quit), then SIGTERM to its upstreams' : mode === 'pm2' ? 'SIGTERM to pm2-runtime' : mode === 'single' ? 'SIGTERM' : mode === 'reuseport' ? 'SIGTERM to every instance' : 'SIGTERM to the primary',
      rollingRestart: mode === 'cluster' || mode === 'cluster-none' ? 'SIGHUP to the primary'
        : mode === 'pm2' ? 'pm2 reload cluster_app'
          : mode === 'single' ? 'SIGTERM, then start again (no rolling restart with one process)'
            : mode === 'nginx' ? 'each upstream in turn: marked down in nginx (reload), SIGTERM, start again, back in rotation (reload)'
              : 'each instance in turn: SIGTERM, start again, wait ready',
      killWorker: `SIGKILL to ${mode === 'single' ? 'the process' : mode === 'nginx' ? 'one upstream instance' : mode === 'reuseport' ? 'one instance' : 'one worker'}`,
    };
  }

  /** Metrics port of each slot: the process listening there is the slot's live process. */
  #metricsPorts(): number[] {
    return Array.from({ length: this.slots }, (_, i) => this.#t.metricsPort + i);
  }

  /** Ports the serving processes accept on: nginx's upstreams, else the topology's port. */
  #servingPorts(): number[] {
    return this.mode === 'nginx' ? Array.from({ length: this.slots }, (_, i) => NGINX_UPSTREAM_PORT + i) : [this.#t.port];
  }

  async start(): Promise<void> {
    // Each round starts from a fresh topology: a leftover (lab up, an earlier round) is stopped first.
    await stopGroups([this.mode]);
    this.#earlierDrains = { graceful: 0, forced: 0 };
    // A port held by a process this run did not start would answer the readiness checks in its place.
    const rows = await readSockets();
    for (const port of [this.#t.port, ...this.#servingPorts(), ...this.#metricsPorts()]) {
      const holder = listener(rows, port);
      if (holder !== null && this.mode !== 'reuseport') throw new Error(`${this.mode}: port ${port} is in use by pid ${holder}, which this run did not start: stop it first (make down stops what the lab started)`);
    }
    this.#scope.own(this.mode);
    this.#running = await startTopology(this.mode, { workers: this.#options.workers, node: this.#options.node, ...(this.#options.env ? { env: this.#options.env } : {}) });
    // The start's readiness probes reach nginx before its upstreams listen: the nginx
    // worker that takes them marks every upstream failed (max_fails=1) and, after
    // fail_timeout, puts each back only once a request to it has succeeded. A kill in
    // that window left that worker without a live upstream (hundreds of 502s). New
    // workers start with no failure recorded.
    const nginx = this.#nginx();
    if (nginx) await freshNginxWorkers(nginx, this.slots);
  }

  #nginx(): ManagedProcess | undefined {
    return this.mode === 'nginx' ? this.#running?.processes.find((p) => p.name === 'nginx') : undefined;
  }

  frontProblems(): Promise<string[]> {
    if (this.mode !== 'nginx') return Promise.resolve([]);
    const nginx = this.#nginx();
    if (!nginx || !isAlive(nginx)) return Promise.resolve(['nginx is not running']);
    const { current, old } = nginxWorkerStates(nginx);
    return Promise.resolve([
      ...(old.length > 0 ? [`nginx worker(s) ${old.join(', ')} of an earlier configuration still running after a reload`] : []),
      ...(current.length === 0 ? ['nginx has no worker process'] : []),
    ]);
  }

  frontWorkers(): Promise<string[] | null> {
    const nginx = this.#nginx();
    return Promise.resolve(nginx ? nginxWorkerStates(nginx).current.map(String) : null);
  }

  async frontHolders(clientPorts: readonly number[]): Promise<ReadonlyMap<number, string>> {
    const held = acceptedBy(await readSockets(), this.#t.port, clientPorts);
    return new Map([...held].map(([port, pid]) => [port, String(pid)]));
  }

  async slotPids(): Promise<(number | null)[]> {
    const rows = await readSockets();
    return this.#metricsPorts().map((port) => listener(rows, port));
  }

  async waiting(thorough: boolean): Promise<number> {
    const ports = this.mode === 'nginx' ? [this.#t.port, ...this.#servingPorts()] : [this.#t.port];
    const roundRobin = this.mode === 'cluster' || this.mode === 'pm2';
    const queue = listenQueue(ports);
    // A round-robin primary empties its own queue at once and holds the connections until
    // a worker takes them: there the slower look at who holds what is the one that counts.
    if (queue > 0 || (!thorough && !roundRobin)) return queue;
    const rows = await readSockets();
    if (!roundRobin) return acceptQueue(rows, ports);
    const serving = this.#metricsPorts().map((port) => listener(rows, port)).filter((p): p is number => p !== null);
    return acceptQueue(rows, ports) + heldByOthers(rows, this.#t.port, serving);
  }

  async connectionsOf(pid: number): Promise<number> {
    return heldBy(await readSockets(), this.#servingPorts(), pid);
  }

  async gracefulStop(): Promise<void> {
    await stopGroups([this.mode]);
  }

  drains(): Drains {
    const counted = countDrains([...new Set((this.#running?.processes ?? []).map((p) => p.log))]);
    return { graceful: counted.graceful + this.#earlierDrains.graceful, forced: counted.forced + this.#earlierDrains.forced };
  }

  async rollingRestart(): Promise<void> {
    const running = this.#requireRunning();
    if (this.mode === 'cluster' || this.mode === 'cluster-none') return this.#sighup(running);
    if (this.mode === 'pm2') return this.#pm2Reload();
    for (let slot = 0; slot < this.slots; slot++) await this.#restartInstance(instanceName(this.mode, slot), slot);
  }

  async killSlot(slot: number): Promise<number> {
    const pid = (await this.slotPids())[slot];
    if (pid === null || pid === undefined) throw new Error(`${this.mode}: no process serves slot ${slot}`);
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 5000;
    while (!gone(pid) && Date.now() < deadline) await sleep(10);
    return pid;
  }

  async stop(): Promise<void> {
    await stopGroups([this.mode]);
    this.#running = undefined;
  }

  #requireRunning(): RunningTopology {
    if (!this.#running) throw new Error(`${this.mode} is not running`);
    return this.#running;
  }

  /** SIGHUP to the primary, then its log's own word that every slot was replaced. */
  async #sighup(running: RunningTopology): Promise<void> {
    const primary = running.processes[0];
    if (!primary) throw new Error(`${this.mode}: no primary recorded`);
    const offset = readFileSync(primary.log, 'utf8').length;
    process.kill(primary.pid, 'SIGHUP');
    const deadline = Date.now() + ROLLING_RESTART_MS;
    for (;;) {
      const text = readFileSync(primary.log, 'utf8').slice(offset);
      if (/^Rolling restart complete in \d+ ms$/m.test(text)) return;
      const aborted = /^Rolling restart aborted.*$/m.exec(text);
      if (aborted) throw new Error(`${this.mode}: ${aborted[0]}`);
      if (Date.now() > deadline) throw new Error(`${this.mode}: the rolling restart did not complete within ${ROLLING_RESTART_MS} ms; its log ends with:\n${logTail(primary)}`);
      await sleep(50);
    }
  }

  /** `pm2 reload` against the daemon pm2-runtime runs under the lab's PM2_HOME. */
  async #pm2Reload(): Promise<void> {
    const home = join(locations().state, 'pm2');
    const { code, output } = await exitOf(this.#options.node, [pm2Bin(), 'reload', 'cluster_app'], { PM2_HOME: home, HOME: home });
    if (code !== 0) throw new Error(`pm2 reload exited with ${code}:\n${output.trim()}`);
  }

  /**
   * Drains one instance (SIGTERM, waits for it to exit), starts it again and waits
   * until it serves. Behind nginx, the upstream is first taken out of rotation and
   * put back once it listens again (nginx-rotation.ts).
   */
  async #restartInstance(name: string, slot: number): Promise<void> {
    const nginx = this.mode === 'nginx' ? this.#requireRunning().processes.find((p) => p.name === 'nginx') : undefined;
    if (this.mode === 'nginx' && nginx === undefined) throw new Error('nginx: no nginx process recorded');
    if (nginx) await reloadNginxUpstreams(nginx, this.slots, [slot]);
    const entry = readRegistry().find((p) => p.name === name);
    if (entry) {
      await stopManaged(entry);
      // Its log is started afresh below: keep what its drain logged.
      const drained = countDrains([entry.log]);
      this.#earlierDrains = { graceful: this.#earlierDrains.graceful + drained.graceful, forced: this.#earlierDrains.forced + drained.forced };
    }
    const spec = plan(this.#t, { workers: this.#options.workers, node: this.#options.node, ...(this.#options.env ? { env: this.#options.env } : {}) }).find((s) => s.name === name);
    if (!spec) throw new Error(`${this.mode}: no process named ${name}`);
    const started: ManagedProcess = spawnManaged({ ...spec, workers: this.#options.workers, node: this.#options.node });
    const running = this.#requireRunning();
    const index = running.processes.findIndex((p) => p.name === name);
    if (index >= 0) running.processes[index] = started;
    const port = this.#metricsPorts()[slot] ?? -1;
    const deadline = Date.now() + INSTANCE_READY_MS;
    // It listens on its metrics port once its app port is listening too: then it serves.
    while (listener(await readSockets(), port) !== started.pid) {
      if (!isAlive(started)) throw new Error(`${this.mode}: ${name} exited during its restart; its log (${started.log}) ends with:\n${logTail(started)}`);
      if (Date.now() > deadline) throw new Error(`${this.mode}: ${name} not serving ${INSTANCE_READY_MS} ms after its restart`);
      await sleep(25);
    }
    if (nginx) {
      await reloadNginxUpstreams(nginx, this.slots, []);
      // Back in rotation, then seen serving through nginx before the next upstream
      // is taken out, so that nginx always has a live upstream.
      await this.#servedThroughNginx(name, `http://127.0.0.1:${port}/metrics`, deadline);
    }
  }

  /**
   * Waits until the restarted upstream has answered a request (its own request count):
   * probes of / through nginx make sure there is traffic even without a load.
   */
  async #servedThroughNginx(name: string, metricsUrl: string, deadline: number): Promise<void> {
    let probe: Promise<void> | undefined;
    for (;;) {
      probe ??= request(`${this.baseUrl}/`, { headersTimeout: 5000, bodyTimeout: 5000 })
        .then((res) => res.body.dump())
        .then(() => undefined, () => undefined)
        .finally(() => {
          probe = undefined;
        });
      const served = await snapshot(metricsUrl).then((s) => s.handlerCount, () => 0);
      if (served > 0) return;
      if (Date.now() > deadline) throw new Error(`nginx: sent no request to the restarted ${name} within ${INSTANCE_READY_MS} ms`);
      await sleep(50);
    }
  }
}
