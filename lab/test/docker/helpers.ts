/**
 * Helpers of the Docker tests, which run without a Docker engine: the Compose file
 * as data, a Dockerfile parser, the .dockerignore rules, child processes that are
 * always stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import type { ComposeFile } from '../../src/docker/compose.js';
import { paths } from '../../src/paths.js';

export const root = paths.root;
export const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
/** Node 24, the image's Node (make node24 installs it). */
export const node24 = paths.node24;

export function readComposeFile(): ComposeFile {
  return parse(readFileSync(paths.composeFile, 'utf8')) as ComposeFile;
}

/** Compose's ${NAME:-default} interpolation with an empty environment: the defaults. */
export function withDefaults(value: string, env: Record<string, string> = {}): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_m, name: string, fallback: string | undefined) => env[name] ?? fallback ?? '');
}

// ---- Dockerfile

export interface Instruction {
  keyword: string;
  /** Everything after the keyword and its --flags, continuation lines joined. */
  args: string;
  flags: Record<string, string>;
  line: number;
}

export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions in order: comments dropped, `\` continuations joined as the builder does. */
export function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] ?? '';
    if (first.trim() === '' || first.trim().startsWith('#')) continue;
    const start = i + 1;
    let joined = first;
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      joined = joined.replace(/\\\s*$/, '');
      // Comment lines inside a continuation are dropped; the instruction goes on.
      while (i + 1 < lines.length && (lines[i + 1] ?? '').trim().startsWith('#')) i++;
      i++;
      joined += lines[i] ?? '';
    }
    const match = /^\s*(\S+)\s*(.*)$/.exec(joined);
    if (!match) continue;
    let rest = match[2] ?? '';
    const flags: Record<string, string> = {};
    for (let flag = /^--([a-z-]+)=(\S+)\s*/.exec(rest); flag; flag = /^--([a-z-]+)=(\S+)\s*/.exec(rest)) {
      flags[flag[1] ?? ''] = flag[2] ?? '';
      rest = rest.slice(flag[0].length);
    }
    out.push({ keyword: (match[1] ?? '').toUpperCase(), args: rest.trim(), flags, line: start });
  }
  return out;
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const ins of parseInstructions(text)) {
    if (ins.keyword === 'FROM') {
      const [image = '', as, name] = ins.args.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} before FROM`);
    stage.instructions.push(ins);
  }
  return stages;
}

export function readDockerfile(): Stage[] {
  return parseDockerfile(readFileSync(join(root, 'app', 'Dockerfile'), 'utf8'));
}

/** The words of an exec-form (JSON array) instruction, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed;
}

/** ENV's KEY=VALUE pairs (the lab's Dockerfile quotes nothing), $VAR and ${VAR} expanded from `env`. */
export function envPairs(args: string, env: Record<string, string>): [string, string][] {
  return args
    .split(/\s+/)
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 1) throw new Error(`ENV ${args}: expected KEY=VALUE pairs`);
      const value = pair.slice(eq + 1).replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => env[name] ?? '');
      return [pair.slice(0, eq), value];
    });
}

// ---- .dockerignore

interface IgnoreRule {
  exception: boolean;
  pattern: string;
  regex: RegExp;
}

/** A .dockerignore pattern as the builder reads it: Go's filepath.Match, plus `**`. */
function patternRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else {
          re += '.*';
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if ('.+^${}()|[]\\'.includes(c)) {
      re += `\\${c}`;
    } else {
      re += c;
    }
  }
  return new RegExp(`^${re}$`);
}

export interface DockerIgnore {
  rules: IgnoreRule[];
  /** Whether a path (relative to the context, `/`-separated) stays out of the context. */
  excludes(path: string): boolean;
  /** Whether nothing below an excluded directory can come back in (so a walk may skip it). */
  prunable(dir: string): boolean;
}

export function parseDockerIgnore(text: string): DockerIgnore {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    if (exception) line = line.slice(1).trim();
    const pattern = line.replace(/^\/+/, '').replace(/\/+$/, '').replace(/^(\.\/)+/, '');
    rules.push({ exception, pattern, regex: patternRegex(pattern) });
  }
  const matches = (rule: IgnoreRule, path: string): boolean => {
    // The builder's MatchesOrParentMatches: the path itself or any folder above it.
    const parts = path.split('/');
    for (let n = parts.length; n > 0; n--) if (rule.regex.test(parts.slice(0, n).join('/'))) return true;
    return false;
  };
  const excludes = (path: string): boolean => {
    let excluded = false;
    for (const rule of rules) if (matches(rule, path)) excluded = !rule.exception;
    return excluded;
  };
  const prunable = (dir: string): boolean =>
    excludes(dir) && !rules.some((r) => r.exception && (r.pattern.startsWith(`${dir}/`) || /[*?[]/.test(r.pattern)));
  return { rules, excludes, prunable };
}

// ---- processes and ports

/** A port nothing listens on, with the `count - 1` ports after it free too. */
export async function freePortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const ok = await Promise.all(Array.from({ length: count }, (_, i) => portFree(base + i)));
    if (ok.every(Boolean)) return base;
  }
  throw new Error(`no block of ${count} free ports found`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface Started {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts a process group; stop() sends SIGTERM to the group, then SIGKILL after graceMs. */
export function startGroup(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; graceMs?: number }): Started {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20000)));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const signal = (sig: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      // Already gone.
    }
  };
  return {
    child,
    output: () => output,
    stop: async () => {
      signal('SIGTERM');
      const timeout = sleep(options.graceMs ?? 15000).then(() => 'timeout' as const);
      if ((await Promise.race([exited.then(() => 'exited' as const), timeout])) === 'timeout') signal('SIGKILL');
      await exited;
      // Children the group leader left behind.
      signal('SIGKILL');
    },
  };
}

/** Runs a command to completion; resolves with its exit code and output. */
export function runCommand(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
