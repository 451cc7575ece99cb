import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countTo, readIterations, type IterationsProblem } from '../src/http/heavy-task.js';

const LIMITS = { defaultIterations: 5_000_000, maxIterations: 100_000_000 };

describe('countTo', () => {
  it('counts like the seed loop', () => {
    assert.equal(countTo(0), 0);
    assert.equal(countTo(1), 1);
    assert.equal(countTo(5_000_000), 5_000_000);
  });
});

describe('readIterations', () => {
  it('uses HEAVY_ITERATIONS without ?n=', () => {
    assert.deepEqual(readIterations(undefined, LIMITS), { ok: true, iterations: 5_000_000 });
  });

  it('accepts 1..HEAVY_MAX', () => {
    assert.deepEqual(readIterations('1', LIMITS), { ok: true, iterations: 1 });
    assert.deepEqual(readIterations('100000000', LIMITS), { ok: true, iterations: 100_000_000 });
  });

  const invalid: [unknown, IterationsProblem][] = [
    ['', 'not_an_integer'],
    ['abc', 'not_an_integer'],
    ['1.5', 'not_an_integer'],
    ['1e6', 'not_an_integer'],
    ['0x10', 'not_an_integer'],
    [' 5', 'not_an_integer'],
    [{ a: '1' }, 'not_an_integer'],
    ['0', 'out_of_range'],
    ['-5', 'out_of_range'],
    ['100000001', 'out_of_range'],
    ['99999999999999999999999', 'out_of_range'],
    [['1', '2'], 'repeated'],
  ];
  for (const [value, problem] of invalid) {
    it(`rejects ${JSON.stringify(value)} as ${problem}`, () => {
      const result = readIterations(value, LIMITS);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.invalid.problem, problem);
      assert.equal(result.invalid.parameter, 'n');
      assert.deepEqual(result.invalid.value, value);
      assert.match(result.invalid.message, /1 to 100000000/);
    });
  }
});
