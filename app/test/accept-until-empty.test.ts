import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { acceptUntilEmpty } from '../src/http/accept-until-empty.js';

/** A counter that grows by one on each of the next `turns` event-loop turns, like a listener accepting one connection per turn. */
function acceptingFor(turns: number): () => number {
  let accepted = 0;
  const acceptNext = (): void => {
    if (accepted >= turns) return;
    accepted++;
    setImmediate(acceptNext);
  };
  setImmediate(acceptNext);
  return () => accepted;
}

describe('acceptUntilEmpty', () => {
  it('ends after a turn that accepted nothing while the kernel reports nothing waiting', async () => {
    const outcome = await acceptUntilEmpty({ accepted: () => 0, waiting: () => 0, deadlineAt: performance.now() + 1000 });
    assert.deepEqual(outcome, { emptied: true, waiting: 0, accepted: 0 });
  });

  it('keeps going while connections are accepted, turn after turn', async () => {
    const outcome = await acceptUntilEmpty({ accepted: acceptingFor(25), waiting: () => 0, deadlineAt: performance.now() + 5000 });
    assert.equal(outcome.emptied, true);
    assert.equal(outcome.accepted, 25);
  });

  it('waits while the kernel reports connections waiting elsewhere (a round-robin primary), then ends', async () => {
    let waiting = 3;
    const timer = setInterval(() => {
      waiting = Math.max(0, waiting - 1);
    }, 20);
    const startedAt = performance.now();
    const outcome = await acceptUntilEmpty({ accepted: () => 0, waiting: () => waiting, deadlineAt: startedAt + 5000 });
    clearInterval(timer);
    assert.deepEqual(outcome, { emptied: true, waiting: 0, accepted: 0 });
    assert.ok(performance.now() - startedAt >= 40);
  });

  it('gives up at the deadline and says how many are still waiting', async () => {
    const outcome = await acceptUntilEmpty({ accepted: () => 0, waiting: () => 7, deadlineAt: performance.now() + 100 });
    assert.deepEqual(outcome, { emptied: false, waiting: 7, accepted: 0 });
  });

  it('without a kernel count, also needs a quiet period', async () => {
    const startedAt = performance.now();
    const outcome = await acceptUntilEmpty({ accepted: acceptingFor(5), waiting: () => undefined, deadlineAt: startedAt + 5000 });
    assert.deepEqual(outcome, { emptied: true, waiting: undefined, accepted: 5 });
    assert.ok(performance.now() - startedAt >= 90);
  });
});
