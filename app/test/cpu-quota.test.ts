import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../src/config/config.js';
import { cgroupCpuQuota, cgroupPaths, parseCpuMax, quotaBoundParallelism, type ReadText } from '../src/config/cpu-quota.js';

const files = (map: Record<string, string>): ReadText => (path) => map[path];

describe('cgroup CPU quota', () => {
  it('parses cgroup v2 cpu.max', () => {
    assert.equal(parseCpuMax('max 100000\n'), undefined);
    assert.equal(parseCpuMax('150000 100000\n'), 1.5);
  });

  it('finds the v2 and v1 paths in /proc/self/cgroup', () => {
    assert.deepEqual(cgroupPaths('0::/docker/abc\n'), { unified: '/docker/abc' });
    assert.deepEqual(cgroupPaths('4:cpu,cpuacct:/docker/abc\n3:memory:/docker/abc\n'), { cpu: '/docker/abc' });
  });

  it('reads a cgroup v2 quota from the container\'s own cgroup root', () => {
    const read = files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '100000 100000\n' });
    assert.equal(cgroupCpuQuota(read), 1);
  });

  it('reads a cgroup v1 quota (what Node misses), at the process path or the mount root', () => {
    const own = files({
      '/proc/self/cgroup': '4:cpu,cpuacct:/docker/abc\n',
      '/sys/fs/cgroup/cpu/docker/abc/cpu.cfs_quota_us': '200000\n',
      '/sys/fs/cgroup/cpu/docker/abc/cpu.cfs_period_us': '100000\n',
    });
    assert.equal(cgroupCpuQuota(own), 2);
    const inContainer = files({
      '/proc/self/cgroup': '4:cpu,cpuacct:/docker/abc\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '100000\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
    });
    assert.equal(cgroupCpuQuota(inContainer), 1);
    const unlimited = files({
      '/proc/self/cgroup': '4:cpu,cpuacct:/\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
    });
    assert.equal(cgroupCpuQuota(unlimited), undefined);
  });

  it('bounds the parallelism by the quota, rounded up, at least 1', () => {
    assert.equal(quotaBoundParallelism(8, undefined), 8);
    assert.equal(quotaBoundParallelism(8, 2), 2);
    assert.equal(quotaBoundParallelism(8, 1.5), 2);
    assert.equal(quotaBoundParallelism(8, 0.5), 1);
    assert.equal(quotaBoundParallelism(2, 4), 2);
  });

  it('makes the default WORKERS follow the quota', () => {
    const host = { availableParallelism: 4, nodeVersion: '24.1.0', platform: 'linux' as const };
    assert.equal(parseConfig({}, 'cluster-primary', { ...host, cpuQuota: 1 }).workers, 1);
    assert.equal(parseConfig({}, 'cluster-primary', { ...host, cpuQuota: null }).workers, 4);
    assert.equal(parseConfig({ WORKERS: '3' }, 'cluster-primary', { ...host, cpuQuota: 1 }).workers, 3);
  });
});
