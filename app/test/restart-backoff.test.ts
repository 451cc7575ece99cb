import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RESTART_BACKOFF, RestartBackoff } from '../src/cluster/restart-backoff.js';

describe('RestartBackoff', () => {
  it('doubles from 100 ms up to 10 s while the worker keeps dying quickly', () => {
    const backoff = new RestartBackoff(DEFAULT_RESTART_BACKOFF);
    const delays = Array.from({ length: 10 }, () => backoff.delayAfterExit(50));
    assert.deepEqual(delays, [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
  });

  it('starts over after a worker stayed up 30 s', () => {
    const backoff = new RestartBackoff(DEFAULT_RESTART_BACKOFF);
    backoff.delayAfterExit(10);
    backoff.delayAfterExit(10);
    assert.equal(backoff.delayAfterExit(29_999), 400);
    assert.equal(backoff.delayAfterExit(30_000), 100);
    assert.equal(backoff.delayAfterExit(10), 200);
  });
});
