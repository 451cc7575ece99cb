/** The set-up step's way to run a command: quietly, its output shown only when it fails. */
import { spawnSync } from 'node:child_process';
import { inheritedEnv } from '../config/environment.js';

export class SetupError extends Error {
  override readonly name = 'SetupError';
  readonly code = 'LAB_SETUP_FAILED';
}

/** Runs a command to completion; throws a SetupError naming it, with its output's last lines, when it fails. */
export function runQuietly(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): void {
  const res = spawnSync(command, args, { encoding: 'utf8', env: options.env ?? inheritedEnv(), cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (res.error !== undefined || res.status !== 0) {
    const output = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new SetupError(`\`${[command, ...args].join(' ')}\` failed (${res.error?.message ?? `exit ${String(res.status)}`})${output ? `:\n${output}` : ''}`);
  }
}
