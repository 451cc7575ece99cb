/** What a comparison may claim: differences only where the intervals allow, faults where a figure breaks the machine's limit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSpeedups } from '../../src/mode-report.js';
import type { ModeReport } from '../../src/model/report-model.js';
import { heldText, limitCautions, physicalFaults, separationStatements } from '../../src/report/trust.js';
import { meanInterval } from '../../src/model/interval.js';
import { compareFixture } from './fixture.js';

const base = compareFixture().report;
const named = (mode: string): ModeReport => {
  const m = base.modes.find((x) => x.mode === mode);
  assert.ok(m?.intervals);
  return m;
};
/** A mode whose repetitions are `runs` (req/s), with the intervals they give. */
function withRuns(mode: string, runs: number[]): ModeReport {
  const m = named(mode);
  return { ...m, runsRps: runs, intervals: { ...(m.intervals ?? { p50: meanInterval([]), p99: meanInterval([]), cpuPerRequestMs: meanInterval([]) }), rps: meanInterval(runs) } };
}

test('overlapping repetitions cannot be told apart; separated ones are ranked with the interval of the difference', () => {
  const same = separationStatements([withRuns('pm2', [700, 720, 690, 710]), withRuns('cluster-none', [705, 695, 715, 700])]);
  assert.equal(same.length, 1);
  assert.match(same[0] ?? '', /^(pm2 and cluster-none|cluster-none and pm2) cannot be told apart on this machine \(difference [+-]\d+\.\d%, ±\d+\.\d%\)\.$/);
  const apart = separationStatements([withRuns('pm2', [600, 610, 605, 598]), withRuns('cluster', [700, 720, 690, 710])]);
  assert.match(apart[0] ?? '', /^cluster serves more than pm2: \+\d+\.\d% \(\+\d+\.\d% to \+\d+\.\d%\)\.$/);
  assert.deepEqual(separationStatements([withRuns('single', [400, 410, 405])]), [], 'single is the baseline, not ranked');
});

test('a speedup whose whole interval is above the cores is a fault; above the generator-adjusted estimate, a caution', () => {
  const single = withRuns('single', [300, 302, 298]);
  const impossible = withSpeedups([single, withRuns('cluster', [700, 702, 698])]);
  assert.match(physicalFaults(impossible, base.machine)[0] ?? '', /^cluster: speedup 2\.33× \(\d\.\d\d–\d\.\d\d\) is above the 2 core\(s\) it could use: a measurement fault/);
  const possible = withSpeedups([single, withRuns('cluster', [540, 545, 535])]);
  assert.deepEqual(physicalFaults(possible, base.machine), []);
  const cautioned = possible.map((m) => (m.mode === 'cluster' ? { ...m, ceiling: 1.5 } : m));
  assert.match(limitCautions(cautioned)[0] ?? '', /^cluster: speedup 1\.80× .* above the 1\.50 estimated/);
});

test('a topology whose requests failed has no throughput figure: a fault, whatever its interval (a failure returns at once)', () => {
  const single = withRuns('single', [500, 505, 495]);
  const failing = withSpeedups([single, { ...withRuns('nginx', [4900, 380, 5000]), errors: 1200, completed: 1200 }]);
  const faults = physicalFaults(failing, base.machine);
  assert.equal(faults.length, 1, faults.join('\n'));
  assert.match(faults[0] ?? '', /^nginx: 1200 of 1200 requests failed in the median run: its req\/s and speedup count failures, not a result/);
});

test('the verdict line says in how many repetitions it held', () => {
  assert.equal(heldText({ held: 4, of: 5 }), 'held in 4 of 5 repetitions');
  assert.equal(heldText({ held: 1, of: 1 }), 'one repetition');
});
