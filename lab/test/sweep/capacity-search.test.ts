/**
 * The capacity search as a pure module, against fake step functions: a server that meets
 * the objective up to a known rate, the same with one step made slow (or lucky) on
 * purpose, a machine that drifts, a probe that is too low, and seeded random noise that
 * flips verdicts. What must hold by construction, whatever the steps do: the low end
 * passed twice, the high end missed twice, no rate below the low end was confirmed a
 * miss, and a confirmed pass above the probe is a fault, never a capacity.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agreedVerdict, searchCapacity, type SearchOutcome, type SearchPlan, type SearchPurpose } from '../../src/sweep/capacity-search.js';
import { capacityText } from '../../src/model/sweep.js';

interface Call {
  rate: number;
  purpose: SearchPurpose;
}

/** A fake step function: `pass(rate, n)` decides the n-th call's verdict (0-based, over all rates). */
function fake(pass: (rate: number, n: number) => boolean): { step: (rate: number, purpose: SearchPurpose) => Promise<{ pass: boolean; result: Call }>; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    step: (rate, purpose) => {
      const result = { rate, purpose };
      const verdict = pass(rate, calls.length);
      calls.push(result);
      return Promise.resolve({ pass: verdict, result });
    },
  };
}

const PLAN: SearchPlan = { ladder: [80, 160, 240, 320, 400, 480], resolution: 20, probeRps: 400 };

/** The guarantees every outcome has, however noisy its steps were. */
function assertSound<T>(o: SearchOutcome<T>): void {
  const runsAt = (rate: number): boolean[] => o.runs.filter((r) => r.rate === rate).map((r) => r.pass);
  const { low, high, fault } = o.capacity;
  if (low !== null) assert.equal(agreedVerdict(runsAt(low)), true, `the low end ${low} passed twice: ${runsAt(low).join(',')}`);
  if (high !== null) assert.equal(agreedVerdict(runsAt(high)), false, `the high end ${high} missed twice: ${runsAt(high).join(',')}`);
  if (low !== null && high !== null) assert.ok(low < high, `${low} < ${high}`);
  const rates = [...new Set(o.runs.map((r) => r.rate))];
  for (const r of rates) {
    if (low !== null && r < low) assert.notEqual(agreedVerdict(runsAt(r)), false, `${r}, below the low end ${low}, was confirmed a miss`);
    assert.ok(runsAt(r).length <= 3, `${r} ran ${runsAt(r).length} times`);
  }
  if (fault === null && low !== null && o.capacity.probeRps !== null) assert.ok(low <= o.capacity.probeRps, `capacity ${low} above the probe without a fault`);
}

test('a server that meets the objective up to 287 req/s: bracketed, bisected to the resolution, both ends confirmed', async () => {
  const { step, calls } = fake((rate) => rate <= 287);
  const o = await searchCapacity(PLAN, step);
  assertSound(o);
  assert.deepEqual({ low: o.capacity.low, high: o.capacity.high, fault: o.capacity.fault }, { low: 280, high: 300, fault: null });
  assert.ok((o.capacity.high ?? 0) - (o.capacity.low ?? 0) <= PLAN.resolution);
  assert.deepEqual(o.skippedRates, [400, 480]);
  // 80 160 240 320 (missed, repeated) 280 300 (missed, repeated), then 280 repeated: 9 steps.
  assert.deepEqual(calls.map((c) => `${c.rate} ${c.purpose}`), ['80 bracket', '160 bracket', '240 bracket', '320 bracket', '320 repeat', '280 bisect', '300 bisect', '300 repeat', '280 repeat']);
  assert.equal(capacityText(o.capacity), '280–300 req/s');
});

test('an injected slow step below capacity is caught by its repeat: the result is the same interval', async () => {
  // The first run at 160 is slow on purpose (another job took the cores): it misses.
  let slowed = false;
  const { step } = fake((rate) => {
    if (rate === 160 && !slowed) {
      slowed = true;
      return false;
    }
    return rate <= 287;
  });
  const o = await searchCapacity(PLAN, step);
  assertSound(o);
  assert.deepEqual([o.capacity.low, o.capacity.high], [280, 300]);
  assert.deepEqual(o.runs.filter((r) => r.rate === 160).map((r) => r.pass), [false, true, true], '160: missed, then met twice');
});

test('a lucky step above capacity (the issue: a pass at 400 after a miss at 352) is caught by its repeat', async () => {
  // Capacity 340; the first run at 400 passes (faster JIT-compiled code), later ones miss.
  let lucky = true;
  const { step } = fake((rate) => {
    if (rate === 400 && lucky) {
      lucky = false;
      return true;
    }
    return rate <= 340;
  });
  const o = await searchCapacity({ ...PLAN, ladder: [80, 160, 240, 320, 400, 480] }, step);
  assertSound(o);
  assert.ok((o.capacity.low ?? 0) <= 340 && 340 < (o.capacity.high ?? 0), JSON.stringify(o.capacity));
  assert.equal(o.capacity.fault, null);
});

test('a pass that does not hold at its repeat becomes the upper bound, and the search goes on below it', async () => {
  // The machine gets busier: from the 7th step on, the server meets the objective only up to 250.
  const { step } = fake((rate, n) => rate <= (n < 6 ? 287 : 250));
  const o = await searchCapacity(PLAN, step);
  assertSound(o);
  assert.ok((o.capacity.low ?? 0) <= 250 && 250 < (o.capacity.high ?? 0), JSON.stringify(o.capacity));
});

test('a confirmed pass above the closed-loop probe is a measurement fault, not a capacity', async () => {
  // The server meets the objective up to 450, but the probe said 400: one of them is wrong.
  const { step } = fake((rate) => rate <= 450);
  const o = await searchCapacity(PLAN, step);
  assertSound(o);
  assert.ok(o.capacity.fault !== null && /above the 400 req\/s this topology carried in its closed-loop probe/.test(o.capacity.fault), String(o.capacity.fault));
  assert.ok((o.capacity.low ?? 0) > 400);
  assert.equal(capacityText(o.capacity), null, 'no capacity text for a fault');
  // It stops at the first confirmed pass above the probe: no need to narrow a fault down.
  const everything = fake(() => true);
  const all = await searchCapacity(PLAN, everything.step);
  assert.deepEqual([all.capacity.low, all.capacity.high], [480, null]);
  assert.notEqual(all.capacity.fault, null);
});

test('a pass above the probe is checked against a fresh probe once: a higher one lifts the ceiling and the search goes on', async () => {
  let reprobes = 0;
  const reprobe = (): Promise<number> => {
    reprobes++;
    return Promise.resolve(500);
  };
  const o = await searchCapacity({ ...PLAN, reprobe }, fake((rate) => rate <= 470).step);
  assertSound(o);
  assert.deepEqual([o.capacity.low, o.capacity.high, o.capacity.fault], [460, 480, null]);
  assert.deepEqual(o.capacity.probes, [400, 500]);
  assert.equal(o.capacity.probeRps, 500);
  assert.equal(reprobes, 1);
  // The fresh probe agrees with the first: the fault stands, both named.
  const still = await searchCapacity({ ...PLAN, reprobe: () => Promise.resolve(410) }, fake((rate) => rate <= 470).step);
  assertSound(still);
  assert.match(String(still.capacity.fault), /above the 400 and 410 req\/s this topology carried in its closed-loop probes/);
});

test('extend: past the top of the ladder by its last gap until a miss, or a pass above the probe (a fault)', async () => {
  const { step, calls } = fake((rate) => rate <= 700);
  const o = await searchCapacity({ ...PLAN, extend: true, reprobe: () => Promise.resolve(800) }, step);
  assertSound(o);
  assert.deepEqual([o.capacity.low, o.capacity.high, o.capacity.fault], [700, 720, null]);
  assert.ok(calls.some((c) => c.rate === 720 && c.purpose === 'bracket'), '480 + 3 × 80 was a rung');
  // Nothing misses: the climb ends at the first confirmed pass above the re-measured probe.
  const never = await searchCapacity({ ...PLAN, extend: true, reprobe: () => Promise.resolve(800) }, fake(() => true).step);
  assert.deepEqual([never.capacity.low, never.capacity.high], [880, null]);
  assert.notEqual(never.capacity.fault, null);
});

test('RATES below the probe that all pass: "at least" the top rate, confirmed, no fault', async () => {
  const { step, calls } = fake((rate) => rate <= 300);
  const o = await searchCapacity({ ladder: [60, 20], resolution: 20, probeRps: 400 }, step);
  assertSound(o);
  assert.deepEqual([o.capacity.low, o.capacity.high, o.capacity.fault], [60, null, null]);
  assert.deepEqual(calls.map((c) => c.rate), [20, 60, 60]);
  assert.equal(capacityText(o.capacity), 'at least 60 req/s');
});

test('even the lightest rung misses: the search bisects down towards 0', async () => {
  const low = await searchCapacity(PLAN, fake((rate) => rate <= 30).step);
  assertSound(low);
  assert.deepEqual([low.capacity.low, low.capacity.high], [20, 40]);
  const none = await searchCapacity(PLAN, fake(() => false).step);
  assertSound(none);
  assert.deepEqual([none.capacity.low, none.capacity.high], [null, 20]);
  assert.equal(capacityText(none.capacity), 'below 20 req/s');
});

test('seeded noise that flips one verdict in five never yields an unsound result', async () => {
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 300; i++) {
    const capacity = 50 + random() * 500;
    const o = await searchCapacity(PLAN, fake((rate) => (rate <= capacity) !== random() < 0.2).step);
    assertSound(o);
  }
});

test('a plan without rates or with a resolution of 0 is refused in one line', async () => {
  await assert.rejects(searchCapacity({ ladder: [], resolution: 10, probeRps: null }, fake(() => true).step), /needs rates above 0 to bracket with, got \[\]/);
  await assert.rejects(searchCapacity({ ladder: [10], resolution: 0, probeRps: null }, fake(() => true).step), /resolution must be above 0 req\/s, got 0/);
});
