/**
 * kubectl, as RUNTIME=kubernetes calls it: one function, injected (as app/src injects its
 * fork), so that every call the runtime makes goes through it and a test can replay a
 * transcript of them. The real one spawns the binary KUBECTL names (default: kubectl on
 * PATH) in the repository's root, so paths such as deploy/kubernetes are relative to it.
 */
import { spawn } from 'node:child_process';
import { paths } from '../paths.js';

/** What one kubectl call gave: its output and its exit code (127: the binary was not found). */
export interface KubectlResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** One kubectl call: its arguments (after the binary) and, for `-f -`, what goes to its standard input. */
export type Kubectl = (args: readonly string[], stdin?: string) => Promise<KubectlResult>;

/** The exit code a shell gives a command it cannot find; the real kubectl function gives it when the binary is missing. */
export const NOT_FOUND = 127;

/** The real kubectl: `binary` spawned with `args` in the repository's root. */
export function spawnKubectl(binary: string): Kubectl {
  return (args, stdin) =>
    new Promise((resolve) => {
      const child = spawn(binary, [...args], { cwd: paths.root, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', (error: NodeJS.ErrnoException) => {
        resolve({ stdout, stderr: `${binary}: ${error.message}`, code: error.code === 'ENOENT' || error.code === 'EACCES' ? NOT_FOUND : 1 });
      });
      child.on('close', (code, signal) => resolve({ stdout, stderr, code: code ?? (signal === null ? 1 : 128) }));
      // A kubectl that exits before reading its input (a bad flag) must not crash the lab with EPIPE.
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin ?? '');
    });
}

/** Runs one call and gives its standard output; a non-zero exit is an Error naming the command and kubectl's own last line. */
export async function kubectlOk(kubectl: Kubectl, args: readonly string[], stdin?: string): Promise<string> {
  const r = await kubectl(args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (exit ${r.code}): ${lastLine(r.stderr) || lastLine(r.stdout) || 'no output'}`);
  return r.stdout;
}

/** The last non-empty line of a text. */
export function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? '';
}
