import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../../src/model/report-model.js';
import { formatSeedBlock, renderProgressLine } from '../../src/runner/index.js';

function seedLikeResult(overrides: Partial<RunResult> = {}): RunResult {
  return {
    target: 'http://localhost:3000/heavy',
    requests: 1200,
    concurrency: 200,
    keepAlive: true,
    completed: 1200,
    errors: { non2xx: 0, socket: 0, timeout: 0, total: 0 },
    totalTimeMs: 10845.923209,
    rps: 1200 / 10.845923209,
    latencyMs: { mean: 1653.24, p50: 1737.2, p90: 2142, p95: 3151, p99: 3297, max: 3327 },
    percentileCurve: [],
    perWorker: {},
    runnerCpuSeconds: 0.5,
    connections: [],
    fairness: { jain: 1, maxOverMedian: 1 },
    firstVsLater: { first: { count: 0, p50: 0, p99: 0 }, later: { count: 0, p50: 0, p99: 0 } },
    timeline: [],
    ...overrides,
  };
}

test("formats the seed's loadtest block", () => {
  assert.equal(
    formatSeedBlock(seedLikeResult()),
    [
      'Target URL:          http://localhost:3000/heavy',
      'Max requests:        1200',
      'Concurrency level:   200',
      'Agent:               keepalive',
      '',
      'Completed requests:  1200',
      'Total errors:        0',
      'Total time:          10.845923209 s',
      'Requests per second: 111',
      'Mean latency:        1653.2 ms',
      '',
      'Percentage of the requests served within a certain time',
      '  50%      1737 ms',
      '  90%      2142 ms',
      '  95%      3151 ms',
      '  99%      3297 ms',
      ' 100%      3327 ms (longest request)',
      '',
    ].join('\n'),
  );
});

test('lists the error buckets under the total, says "none" without keep-alive, keeps decimals below 10 ms', () => {
  const block = formatSeedBlock(
    seedLikeResult({
      keepAlive: false,
      errors: { non2xx: 2, socket: 0, timeout: 1, total: 3 },
      latencyMs: { mean: 0.84, p50: 0.712, p90: 1.5, p95: 2, p99: 9.996, max: 12.4 },
    }),
  );
  const lines = block.split('\n');
  assert.ok(lines.includes('Agent:               none'));
  assert.ok(lines.includes('Total errors:        3'));
  assert.ok(lines.includes('   non-2xx:  2'));
  assert.ok(lines.includes('   timeout:  1'));
  assert.ok(!lines.some((l) => l.includes('socket:')));
  assert.ok(lines.includes('Mean latency:        0.8 ms'));
  assert.ok(lines.includes('  50%      0.71 ms'));
  assert.ok(lines.includes('  99%      10.00 ms'));
  assert.ok(lines.includes(' 100%      12 ms (longest request)'));
});

test('renders a progress line', () => {
  assert.equal(renderProgressLine(562, 1200, 5000, 10), '[#####-----]  562/1200  46%  112 req/s  5.0 s');
  assert.equal(renderProgressLine(0, 10, 0, 4), '[----]  0/10   0%  0 req/s  0.0 s');
});
