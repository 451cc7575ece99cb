/**
 * The version a Prometheus-style binary says it is: `prometheus --version` and
 * `promtool --version` print "<name>, version 3.5.3+ds1 (branch: …)" first.
 */
import { spawnSync } from 'node:child_process';

/** The version in a `--version` output's first line, or undefined. */
export function parseVersionLine(output: string): string | undefined {
  return /^\S+, version (\S+)/.exec(output)?.[1];
}

/** What `<binary> --version` says its version is, or undefined when it does not run or say. */
export function binaryVersion(binary: string): string | undefined {
  const res = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (res.error !== undefined || res.status !== 0) return undefined;
  return parseVersionLine(`${res.stdout}${res.stderr}`);
}
