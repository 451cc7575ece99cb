/**
 * A real process tree started for a test: its own process group, output
 * collected, and killed (the whole group) when the test ends, pass or fail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import type { TestContext } from 'node:test';

export interface StartOptions {
  /** Arguments to node (the script first). */
  readonly args: readonly string[];
  /** Added to a minimal environment (PATH, HOME). */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Node binary; defaults to the one running the tests. */
  readonly node?: string;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class ProcessUnderTest {
  readonly child: ChildProcess;
  readonly pid: number;
  #output = '';
  #stderr = '';
  readonly #waiters = new Set<() => void>();
  readonly exited: Promise<ExitStatus>;
  exitStatus: ExitStatus | undefined;

  private constructor(child: ChildProcess) {
    this.child = child;
    if (child.pid === undefined) throw new Error('process did not start');
    this.pid = child.pid;
    const collect = (chunk: Buffer, isStderr: boolean): void => {
      const text = chunk.toString('utf8');
      this.#output += text;
      if (isStderr) this.#stderr += text;
      for (const wake of this.#waiters) wake();
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      collect(chunk, false);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      collect(chunk, true);
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.exitStatus = { code, signal };
        for (const wake of this.#waiters) wake();
        resolve(this.exitStatus);
      });
    });
  }

  /** Starts `node args...` in a new process group; the group is killed after the test. */
  static start(t: TestContext, options: StartOptions): ProcessUnderTest {
    const started = ProcessUnderTest.spawn(options);
    t.after(() => started.killGroup());
    return started;
  }

  /** Starts `node args...` in a new process group; the caller must call killGroup(). */
  static spawn(options: StartOptions): ProcessUnderTest {
    const child = spawn(options.node ?? process.execPath, [...options.args], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    return new ProcessUnderTest(child);
  }

  /** stdout and stderr, interleaved as received. */
  get output(): string {
    return this.#output;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Resolves with the first match of `pattern` in the output (from `from` on). */
  waitForOutput(pattern: RegExp, timeoutMs = 10_000, from = 0): Promise<RegExpMatchArray> {
    return this.#waitFor(() => this.#output.slice(from).match(pattern) ?? undefined, `output matching ${pattern}`, timeoutMs);
  }

  /** Resolves once `pattern` has matched `count` times. */
  waitForOutputCount(pattern: RegExp, count: number, timeoutMs = 10_000): Promise<RegExpMatchArray[]> {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    return this.#waitFor(
      () => {
        const matches = [...this.#output.matchAll(global)];
        return matches.length >= count ? matches : undefined;
      },
      `${count} lines matching ${pattern}`,
      timeoutMs,
    );
  }

  async waitForExit(timeoutMs = 15_000): Promise<ExitStatus> {
    return this.#waitFor(() => this.exitStatus, 'exit', timeoutMs);
  }

  signal(signal: NodeJS.Signals): void {
    process.kill(this.pid, signal);
  }

  /** SIGKILL to the whole process group; nothing if it is already gone. */
  killGroup(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  #waitFor<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
      };
      const wake = (): void => {
        const value = check();
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (this.exitStatus !== undefined) {
          done();
          reject(new Error(`process exited (${JSON.stringify(this.exitStatus)}) before ${what}; output:\n${this.#output}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output:\n${this.#output}`));
      }, timeoutMs);
      this.#waiters.add(wake);
      wake();
    });
  }
}

/** True while `pid` exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Live (non-zombie) processes whose process group is `pgid`. */
export function livingProcessesInGroup(pgid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const state = fields[0];
      const group = Number(fields[2]);
      if (group === pgid && state !== 'Z' && state !== 'X') found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    }
    await sleep(50);
  }
}
