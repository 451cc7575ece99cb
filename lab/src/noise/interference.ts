/**
 * Interference measured, not guessed: over one repetition, the CPU the machine spent
 * outside the lab (every process that is not the lab's own), and the time the
 * hypervisor stole. The kernel's /proc/stat gives all CPU time (user + nice + system;
 * irq and softirq are left out, since loopback traffic is accounted there and is the
 * lab's); each process's /proc/<pid>/stat gives its own (with its reaped children's).
 * What is the lab's: the lab's process tree, the roots a runtime names (native: the
 * processes `make up` started, detached), every process whose environment carries this
 * stack's LAB_STACK, the containers a runtime claims (Docker: its Compose project's), read
 * from their CPU cgroups so that short-lived processes in them (health checks) count,
 * and the engine's long-lived processes (Docker: dockerd, containerd, the shims). A lab process that starts and ends between two samples (every
 * SAMPLE_MS) is invisible: its CPU counts as outside, so the figure errs towards saying
 * "disturbed", never towards hiding a disturbance.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { clockTicks } from '../proc-exporter/proc-stat.js';
import { STACK_ENV } from '../topologies.js';

export const SAMPLE_MS = 500;
/** Shortest repetition whose interference is read (the kernel counts in 10 ms ticks). */
export const MIN_SECONDS = 0.5;

/** Above these shares of the machine's cores over a repetition, the repetition is disturbed. */
export const DISTURBED_OUTSIDE_SHARE = 0.1;
export const DISTURBED_STEAL_SHARE = 0.05;

/** What a runtime says is its own beyond the lab's process tree. */
export interface LabOwnership {
  /** Stack name in LAB_STACK of the app processes. */
  stack: string;
  /** Pids whose trees are the lab's (native: the registry's detached processes). */
  roots(): number[];
  /** Whether a container (its full id) is the lab's (Docker: its Compose project). */
  container?(id: string): Promise<boolean>;
  /** The container engine's own processes (dockerd, containerd, their shims) work for the lab's docker commands: count them as the lab's, not their other containers. */
  engine?: boolean;
}

const ENGINE = /^(dockerd|containerd|containerd-shim.*|docker-proxy|runc)$/;

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

export interface Interference {
  seconds: number;
  /** Cores' worth of CPU used outside the lab, averaged over the repetition. */
  outsideCores: number;
  /** Cores' worth the hypervisor stole. */
  stealCores: number;
  /** Cores' worth the lab used (app, proxy, generator, engine work the lab asked for). */
  labCores: number;
  /** Outside or steal above its threshold. */
  disturbed: boolean;
}

interface ProcStat {
  ppid: number;
  start: string;
  /** utime + stime, ticks (not the reaped children's: a child seen by a sample would count twice). */
  ticks: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // Field 4 (ppid) is index 1; utime and stime (14, 15) are 11 and 12; starttime (22) is 19.
    return { ppid: Number(f[1]), start: f[19] ?? '', ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

/**
 * A process's CPU accounting cgroup's usage file: cgroup v1's cpuacct.usage (ns) or v2's
 * cpu.stat (usage_usec); null when neither can be read. A container's cgroup counts every
 * process that ever ran in it, short-lived ones too (a health check's `node -e`, a
 * `docker exec`), which a sample of /proc every SAMPLE_MS would miss.
 */
export function cgroupUsageFile(pid: number): { path: string; version: 1 | 2 } | null {
  let lines: string[];
  try {
    lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  } catch {
    return null;
  }
  for (const line of lines) {
    const [, controllers = '', path = ''] = line.split(':');
    if (controllers.split(',').includes('cpuacct')) {
      for (const mount of ['/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpu,cpuacct']) {
        if (existsSync(`${mount}${path}/cpuacct.usage`)) return { path: `${mount}${path}/cpuacct.usage`, version: 1 };
      }
    }
  }
  const unified = lines.find((l) => l.startsWith('0::'));
  if (unified !== undefined) {
    const path = unified.slice(3);
    for (const mount of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
      if (existsSync(`${mount}${path}/cpu.stat`)) return { path: `${mount}${path}/cpu.stat`, version: 2 };
    }
  }
  return null;
}

/** CPU seconds a cgroup used so far, or null once it is gone. */
export function cgroupSeconds(file: { path: string; version: 1 | 2 }): number | null {
  try {
    const text = readFileSync(file.path, 'utf8');
    if (file.version === 1) return Number(text.trim()) / 1e9;
    const usec = /^usage_usec (\d+)$/m.exec(text)?.[1];
    return usec === undefined ? null : Number(usec) / 1e6;
  } catch {
    return null;
  }
}

/** user + nice + system and steal jiffies of all CPUs. */
function cpuLine(): { busy: number; steal: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('cpu '));
    if (line === undefined) return null;
    const [user = 0, nice = 0, system = 0, , , , , steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
    return { busy: user + nice + system, steal };
  } catch {
    return null;
  }
}

const CONTAINER_ID = /[0-9a-f]{64}/;

function hasStackEnv(pid: number, stack: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${STACK_ENV}=${stack}`);
  } catch {
    return false;
  }
}

function containerOf(pid: number): string | null {
  try {
    return CONTAINER_ID.exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'))?.[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * Whose a process is: the lab's or the engine's (its own ticks), a claimed container's
 * (its cgroup's), or not the lab's. The engine's reaped children are not counted: the
 * shims reap both runc (the engine's work) and the processes exec'd in a container
 * (counted by its cgroup), so their cutime would count the latter twice; runc's CPU
 * (a container's start, a health check's exec) is left outside.
 */
type Owner = 'lab' | 'engine' | 'container' | 'outside';

/** Samples /proc while a repetition runs; stop() gives the repetition's interference. */
export class InterferenceMeter {
  readonly #owner: LabOwnership;
  readonly #cores: number;
  /** `${pid}:${starttime}` → whose it is (a pid may be reused). */
  readonly #lab = new Map<string, Owner>();
  readonly #containers = new Map<string, Promise<boolean>>();
  /** First and last ticks of each lab process seen. */
  readonly #ticks = new Map<string, { first: number; last: number }>();
  /** Claimed containers' cgroups, by container id: where to read them and their first and last CPU seconds. */
  readonly #cgroups = new Map<string, { file: { path: string; version: 1 | 2 } | null; first: number; last: number }>();
  #first: { busy: number; steal: number } | null = null;
  #started = 0;
  #timer: NodeJS.Timeout | undefined;
  #pending: Promise<void> = Promise.resolve();

  constructor(owner: LabOwnership, cores: number) {
    this.#owner = owner;
    this.#cores = cores;
  }

  /** Takes the first sample and samples every SAMPLE_MS until stop(). */
  async start(): Promise<void> {
    this.#started = performance.now();
    this.#first = cpuLine();
    await this.#sample(true);
    this.#timer = setInterval(() => {
      this.#pending = this.#pending.then(() => this.#sample(false));
    }, SAMPLE_MS);
    this.#timer.unref();
  }

  async stop(): Promise<Interference | null> {
    clearInterval(this.#timer);
    await this.#pending;
    await this.#sample(false);
    const last = cpuLine();
    const seconds = (performance.now() - this.#started) / 1000;
    // Below MIN_SECONDS a few ticks of anyone's CPU would read as whole cores: not measured.
    if (this.#first === null || last === null || seconds < MIN_SECONDS) return null;
    const hz = clockTicks(); // /proc/stat and /proc/<pid>/stat count in the same ticks
    let labTicks = 0;
    for (const { first, last: l } of this.#ticks.values()) labTicks += l - first;
    for (const { first, last: l } of this.#cgroups.values()) labTicks += (l - first) * hz;
    const busy = last.busy - this.#first.busy;
    const cores = (ticks: number): number => Math.round((ticks / hz / seconds) * 100) / 100;
    const outsideCores = Math.max(0, cores(busy - labTicks));
    const stealCores = cores(last.steal - this.#first.steal);
    return {
      seconds: Math.round(seconds * 10) / 10,
      outsideCores,
      stealCores,
      labCores: cores(labTicks),
      disturbed: outsideCores > DISTURBED_OUTSIDE_SHARE * this.#cores || stealCores > DISTURBED_STEAL_SHARE * this.#cores,
    };
  }

  async #sample(initial: boolean): Promise<void> {
    const stats = new Map<number, ProcStat>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const s = readStat(Number(name));
      if (s !== null) stats.set(Number(name), s);
    }
    const roots = new Set([process.pid, ...this.#owner.roots()]);
    // Whose a process is: a child inherits the lab's (never the engine's: its shims parent every container).
    const whose = async (pid: number, depth = 0): Promise<Owner> => {
      const s = stats.get(pid);
      if (s === undefined || depth > 64) return 'outside';
      const key = `${pid}:${s.start}`;
      const known = this.#lab.get(key);
      if (known !== undefined) return known;
      let owner: Owner = roots.has(pid) || hasStackEnv(pid, this.#owner.stack) ? 'lab' : 'outside';
      if (owner === 'outside' && this.#owner.engine === true && ENGINE.test(comm(pid))) owner = 'engine';
      if (owner === 'outside' && this.#owner.container) {
        const id = containerOf(pid);
        if (id !== null && (await this.#claimed(id))) {
          owner = 'container';
          this.#watchCgroup(id, pid, initial);
        }
      }
      // A child inherits the lab's (never the engine's: its shims parent every container).
      if (owner === 'outside' && s.ppid > 1 && (await whose(s.ppid, depth + 1)) === 'lab') owner = 'lab';
      this.#lab.set(key, owner);
      return owner;
    };
    for (const [pid, s] of stats) {
      const owner = await whose(pid);
      // A claimed container is read from its cgroup (below), not process by process.
      if (owner === 'outside' || owner === 'container') continue;
      const ticks = s.ticks;
      const key = `${pid}:${s.start}`;
      const seen = this.#ticks.get(key);
      // A lab process first seen after the first sample started during the repetition: all its CPU counts.
      if (seen === undefined) this.#ticks.set(key, { first: initial ? ticks : 0, last: ticks });
      else seen.last = ticks;
    }
    for (const cgroup of this.#cgroups.values()) {
      const now = cgroup.file === null ? null : cgroupSeconds(cgroup.file);
      // Gone (the container ended): its last reading stands.
      if (now !== null) cgroup.last = now;
    }
  }

  #claimed(id: string): Promise<boolean> {
    let claim = this.#containers.get(id);
    if (claim === undefined) {
      claim = this.#owner.container?.(id).catch(() => false) ?? Promise.resolve(false);
      this.#containers.set(id, claim);
    }
    return claim;
  }

  /** Starts reading a claimed container's cgroup: from its value now at the first sample, else from 0 (it started during the repetition). */
  #watchCgroup(id: string, pid: number, initial: boolean): void {
    if (this.#cgroups.has(id)) return;
    const file = cgroupUsageFile(pid);
    const now = file === null ? null : cgroupSeconds(file);
    this.#cgroups.set(id, { file, first: initial && now !== null ? now : 0, last: now ?? 0 });
  }
}

