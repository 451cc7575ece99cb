/** The Node binary that runs the app (NODE=) and what it supports. */
import { execFileSync } from 'node:child_process';
import { UsageError } from '../options.js';

export function nodeVersion(node: string): string {
  try {
    return execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    throw new UsageError(`NODE=${node} is not accepted: expected the path of a node binary that runs (it did not)`);
  }
}

/** reusePort in net.Server#listen arrived in Node 22.12 and 23.1 (Linux and some BSDs). */
export function reusePortSupport(version: string): { supported: boolean; reason: string | null } {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const supported = process.platform === 'linux' && (major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12));
  if (supported) return { supported, reason: null };
  const where = process.platform === 'linux' ? `Node ${version}` : `${process.platform}`;
  return {
    supported,
    reason: `${where} lacks listen({ reusePort }) (needs Node 22.12+ or 23.1+ on Linux); run with NODE=/path/to/node24`,
  };
}
