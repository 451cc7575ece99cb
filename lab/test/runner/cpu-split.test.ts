/**
 * The split of cores between the load generator and the app, from the core count.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coreList, cpuSplit, describeCpuSplit } from '../../src/runner/cpu-split.js';

describe('cpu split', () => {
  it('shares every core below 4 cores', () => {
    for (const cores of [1, 2, 3]) assert.equal(cpuSplit(cores), null);
    assert.match(describeCpuSplit(2), /shares all 2 cores with the app/);
  });

  it('gives the generator the last core from 4 cores, the last two from 8, the app the rest', () => {
    assert.deepEqual(cpuSplit(4), { generator: [3], app: [0, 1, 2] });
    assert.deepEqual(cpuSplit(7), { generator: [6], app: [0, 1, 2, 3, 4, 5] });
    assert.deepEqual(cpuSplit(8), { generator: [6, 7], app: [0, 1, 2, 3, 4, 5] });
    for (const cores of [4, 5, 8, 16, 64]) {
      const split = cpuSplit(cores);
      assert.ok(split !== null);
      assert.equal(split.generator.length + split.app.length, cores);
      assert.ok(split.generator.every((c) => !split.app.includes(c)));
    }
    assert.equal(describeCpuSplit(16), 'load generator on cores 14-15, the app on cores 0-13 (of 16)');
  });

  it('writes core lists as taskset and cpuset take them', () => {
    assert.equal(coreList([0, 1, 2]), '0-2');
    assert.equal(coreList([5, 0, 2, 3]), '0,2-3,5');
    assert.equal(coreList([7]), '7');
  });

  it('refuses a core count that is not a positive integer, naming it', () => {
    assert.throws(() => cpuSplit(0), /cores: expected a positive integer, got 0/);
    assert.throws(() => cpuSplit(2.5), /got 2.5/);
  });
});
