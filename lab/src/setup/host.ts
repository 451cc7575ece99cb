/**
 * The facts about this machine the set-up step decides on, behind an interface so
 * the decisions are tested with stand-ins for the package manager and privileges.
 */
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { machineDebianArchive } from './debian-archive.js';

export interface Host {
  /** `${process.platform}-${process.arch}` */
  readonly platform: string;
  isInstalled(file: string): boolean;
  isRoot(): boolean;
  /** `sudo -n true` succeeds: sudo works without asking anyone. */
  hasPasswordlessSudo(): boolean;
  hasCommand(name: string): boolean;
  /** The URI of this machine's own Debian archive (its apt sources), or why there is none. */
  debianArchive(): { uri: string } | { why: string };
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function succeeds(command: string, args: string[]): boolean {
  const res = spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 });
  return res.error === undefined && res.status === 0;
}

export const systemHost: Host = {
  platform: `${process.platform}-${process.arch}`,
  isInstalled: executable,
  isRoot: () => process.getuid?.() === 0,
  hasPasswordlessSudo: () => succeeds('sudo', ['-n', 'true']),
  hasCommand: (name) => succeeds('sh', ['-c', `command -v ${name}`]),
  debianArchive: () => machineDebianArchive(),
};
