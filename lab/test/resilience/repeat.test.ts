/** The repeat rule (repeat.ts) and the pure checks of the verified state (verified-state.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProbeConnection } from '../../src/resilience/front-probe.js';
import { countsAgree, needsAnotherRun, repeatMargin, repeatVerdict } from '../../src/resilience/repeat.js';
import type { RoundResult } from '../../src/model/resilience.js';
import { routingProblems, spreadProblems } from '../../src/resilience/verified-state.js';
import { MAX_RUNS, noFailures } from '../../src/model/resilience.js';

function run(n: number, failedTotal: number | null): RoundResult {
  return {
    kind: 'kill-worker', run: n, verified: failedTotal !== null, verification: '', action: 'SIGKILL', applicable: true,
    sent: 1200, answered: 1200 - (failedTotal ?? 0), failed: { ...noFailures(), reset: failedTotal ?? 0 }, failedTotal: failedTotal ?? 0,
    waitingAtEvent: 1, victimConnections: 100, actionMs: 1, fullStrengthMs: null, slotsBack: false, drains: null, slots: 2, note: '',
  };
}

/** Runs a round the way the command does, with the failure counts given in order (null: not verified). */
function runsFor(counts: readonly (number | null)[]): RoundResult[] {
  const runs: RoundResult[] = [];
  while (needsAnotherRun(runs)) {
    const next = counts[runs.length];
    if (next === undefined) throw new Error(`asked for run ${runs.length + 1}, only ${counts.length} given`);
    runs.push(run(runs.length + 1, next));
  }
  return runs;
}

describe('the repeat rule', () => {
  it('margin: max(10, 25 % of the larger count)', () => {
    assert.equal(repeatMargin([0, 3]), 10);
    assert.equal(repeatMargin([100, 80]), 25);
    assert.equal(countsAgree([0, 10]), true);
    assert.equal(countsAgree([0, 11]), false);
    assert.equal(countsAgree([100, 75]), true);
    assert.equal(countsAgree([100, 74]), false);
    assert.equal(countsAgree([0, 832]), false);
  });

  it('every round runs twice; runs that agree stop there', () => {
    const runs = runsFor([19, 25]);
    assert.equal(runs.length, 2);
    const verdict = repeatVerdict('kill-worker', runs);
    assert.equal(verdict.agree, true);
    assert.deepEqual(verdict.failed, [19, 25]);
  });

  it('runs that differ by more than the margin get a third run, and every run is shown', () => {
    const runs = runsFor([0, 832, 4]);
    assert.equal(runs.length, MAX_RUNS);
    const verdict = repeatVerdict('kill-worker', runs);
    assert.equal(verdict.agree, false);
    assert.deepEqual(verdict.failed, [0, 832, 4]);
    assert.match(verdict.text, /differ by more than the margin \(failed per run: 0, 832, 4; margin 208\)/);
  });

  it('a run without the verified state has no figure: another runs in its place, at most three in all', () => {
    assert.deepEqual(repeatVerdict('kill-worker', runsFor([null, 5, 7])).failed, [null, 5, 7]);
    const none = runsFor([null, null, null]);
    assert.equal(none.length, MAX_RUNS);
    const verdict = repeatVerdict('kill-worker', none);
    assert.equal(verdict.agree, null);
    assert.match(verdict.text, /no run started from the verified state/);
  });
});

function connection(holder: string | null, workers: string[], failures: string[] = []): ProbeConnection {
  return { localPort: 1, holder, workers, failures };
}

describe('the verified state, on what the probes saw', () => {
  it('every slot reached through every front worker: no problem', () => {
    const seen = [connection('7', ['0', '1', '0']), connection('8', ['1', '0', '1'])];
    assert.deepEqual(routingProblems(seen, 2, ['7', '8'], 'nginx'), []);
    assert.deepEqual(routingProblems(seen, 2, null, 'nginx'), []);
  });

  it('an upstream one nginx worker does not route to: found per worker, hidden when the workers are pooled', () => {
    const seen = [connection('7', ['0', '1', '0', '1']), connection('8', ['0', '0', '0', '0'])];
    assert.deepEqual(routingProblems(seen, 2, null, 'nginx'), [], 'pooled, both slots answered');
    const problems = routingProblems(seen, 2, ['7', '8'], 'nginx');
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^through nginx worker 8, slot\(s\) 1 never answered/);
  });

  it('a front worker that took no probe connection, and probes answered 502, are problems', () => {
    const problems = routingProblems([connection('7', ['0', '1'], ['502', '502'])], 2, ['7', '8'], 'nginx');
    assert.match(problems.join('\n'), /2 probe\(s\) through nginx got no 2xx answer \(2 502\)/);
    assert.match(problems.join('\n'), /nginx worker 8 accepted none of the 1 probe connections/);
  });

  it('the spread: every slot at least a third of its fair share, and no warm-up failure', () => {
    const errors = { non2xx: 0, socket: 0, timeout: 0, total: 0 };
    assert.deepEqual(spreadProblems({ perWorker: { 0: 180, 1: 220 }, errors, completed: 400 }, 2), []);
    assert.match(spreadProblems({ perWorker: { 0: 60, 1: 340 }, errors, completed: 400 }, 2).join(), /spread unevenly: slot 0: 60, slot 1: 340; each slot should answer at least 67/);
    assert.match(spreadProblems({ perWorker: { 1: 400 }, errors, completed: 400 }, 2).join(), /slot 0: 0/);
    assert.match(spreadProblems({ perWorker: { 0: 200, 1: 190 }, errors: { ...errors, non2xx: 10, total: 10 }, completed: 400 }, 2).join(), /10 of the 400 warm-up request\(s\) failed/);
  });
});
