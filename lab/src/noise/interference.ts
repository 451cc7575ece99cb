/**
 * Interference measured, not guessed: over one repetition, the CPU the machine spent
 * outside the lab (every process that is not the lab's own), and the time the
 * hypervisor stole. The kernel's /proc/stat gives all CPU time (user + nice + system;
 * irq and softirq are left out, since loopback traffic is accounted there and is the
 * lab's); each process's /proc/<pid>/stat gives its own (with its reaped children's).
 * What is the lab's: the lab's process tree, the roots a runtime names (native: the
 * processes `make up` started, detached), every process whose environment carries this
 * stack's LAB_STACK, and the processes of the containers a runtime claims (Docker: its
 * Compose project's). A lab process that starts and ends between two samples (every
 * SAMPLE_MS) is invisible: its CPU counts as outside, so the figure errs towards saying
 * "disturbed", never towards hiding a disturbance.
 */
import { readdirSync, readFileSync } from 'node:fs';
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

type Owner = 'lab' | 'engine' | 'outside';

/** Samples /proc while a repetition runs; stop() gives the repetition's interference. */
export class InterferenceMeter {
  readonly #owner: LabOwnership;
  readonly #cores: number;
  /** `${pid}:${starttime}` → whose it is (a pid may be reused). */
  readonly #lab = new Map<string, Owner>();
  readonly #containers = new Map<string, Promise<boolean>>();
  /** First and last ticks of each lab process seen. */
  readonly #ticks = new Map<string, { first: number; last: number }>();
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
      let mine = roots.has(pid) || hasStackEnv(pid, this.#owner.stack);
      if (!mine && this.#owner.engine === true && ENGINE.test(comm(pid))) {
        this.#lab.set(key, 'engine');
        return 'engine';
      }
      if (!mine && this.#owner.container) {
        const id = containerOf(pid);
        if (id !== null) {
          let claim = this.#containers.get(id);
          if (claim === undefined) {
            claim = this.#owner.container(id).catch(() => false);
            this.#containers.set(id, claim);
          }
          mine = await claim;
        }
      }
      if (!mine && s.ppid > 1) mine = (await whose(s.ppid, depth + 1)) === 'lab';
      const owner: Owner = mine ? 'lab' : 'outside';
      this.#lab.set(key, owner);
      return owner;
    };
    for (const [pid, s] of stats) {
      if ((await whose(pid)) === 'outside') continue;
      const key = `${pid}:${s.start}`;
      const seen = this.#ticks.get(key);
      // A lab process first seen after the first sample started during the repetition: all its CPU counts.
      if (seen === undefined) this.#ticks.set(key, { first: initial ? s.ticks : 0, last: s.ticks });
      else seen.last = s.ticks;
    }
  }
}

/** "outside the lab 0.34 cores, steal 0.00" for a line or a table cell. */
export function formatInterference(i: Interference): string {
  return `outside the lab ${i.outsideCores.toFixed(2)} cores${i.stealCores > 0 ? `, steal ${i.stealCores.toFixed(2)}` : ''}`;
}
