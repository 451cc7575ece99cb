/**
 * The CPU quota of the process's cgroup, in CPUs: what a container started with
 * `cpus: N` may use. Node's os.availableParallelism() reads it on cgroup v2 only (through
 * libuv); on cgroup v1 it reports every host CPU. The default WORKERS follows this instead.
 */
import { readFileSync } from 'node:fs';

export type ReadText = (path: string) => string | undefined;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** cgroup v2 `cpu.max` ("max 100000" or "<quota> <period>"): CPUs, or undefined when unlimited. */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  return quotaCpus(Number(quota), Number(period));
}

/** cgroup v1 cpu.cfs_quota_us / cpu.cfs_period_us (quota -1: unlimited). */
export function quotaCpus(quota: number, period: number): number | undefined {
  return Number.isFinite(quota) && Number.isFinite(period) && quota > 0 && period > 0 ? quota / period : undefined;
}

/** The cgroup paths of /proc/self/cgroup: v2's unified path and v1's cpu controller path. */
export function cgroupPaths(text: string): { unified?: string; cpu?: string } {
  const out: { unified?: string; cpu?: string } = {};
  for (const line of text.split('\n')) {
    const [id, controllers, path] = line.split(':');
    if (path === undefined) continue;
    if (id === '0' && controllers === '') out.unified = path;
    else if (controllers?.split(',').includes('cpu')) out.cpu = path;
  }
  return out;
}

/**
 * The quota in CPUs, or undefined when there is none: cgroup v2 first, then v1, each at
 * the process's own cgroup path and at the mount's root (a container sees its own cgroup there).
 */
export function cgroupCpuQuota(read: ReadText = readText, root = '/sys/fs/cgroup'): number | undefined {
  const paths = cgroupPaths(read('/proc/self/cgroup') ?? '');
  const dirs = (base: string, own: string | undefined): string[] =>
    [...new Set([own && own !== '/' ? `${base}${own}` : undefined, base].filter((d): d is string => d !== undefined))];
  for (const dir of dirs(root, paths.unified)) {
    const max = read(`${dir}/cpu.max`);
    if (max !== undefined) return parseCpuMax(max);
  }
  for (const base of [`${root}/cpu`, `${root}/cpu,cpuacct`]) {
    for (const dir of dirs(base, paths.cpu)) {
      const quota = read(`${dir}/cpu.cfs_quota_us`);
      const period = read(`${dir}/cpu.cfs_period_us`);
      if (quota !== undefined && period !== undefined) return quotaCpus(Number(quota), Number(period));
    }
  }
  return undefined;
}

/** Processes the CPUs allow: availableParallelism, lowered to the quota rounded up (at least 1). */
export function quotaBoundParallelism(availableParallelism: number, quota: number | undefined): number {
  const cpus = Math.max(availableParallelism, 1);
  return quota === undefined ? cpus : Math.max(1, Math.min(cpus, Math.ceil(quota - 1e-9)));
}
