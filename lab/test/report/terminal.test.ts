import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fmtInterval, fmtJain, fmtMs, fmtPercent, fmtRps, fmtSeconds } from '../../src/report/format.js';
import { formatBenchReport, formatCompareTable } from '../../src/report/terminal.js';
import type { CompareReport, ModeReport } from '../../src/model/report-model.js';
import { compareFixture, REUSEPORT_REASON } from './fixture.js';

function rowOf(text: string, mode: string): string {
  const row = text.split('\n').find((l) => l.startsWith(`${mode} `));
  assert.ok(row, `no row for ${mode}`);
  return row;
}

function mode(report: CompareReport, name: string): ModeReport {
  const m = report.modes.find((x) => x.mode === name);
  assert.ok(m, `fixture has no ${name}`);
  return m;
}

describe('formatCompareTable', () => {
  const { report } = compareFixture();
  const text = formatCompareTable(report);

  it('states the machine and the scenario in its header', () => {
    for (const expected of [
      '2 cores',
      '2 available',
      'Intel(R) Xeon(R) CPU @ 2.20GHz',
      '7.8 GiB',
      'v20.20.2 (lab and app)',
      '0.18 0.32 0.27',
      'GET /heavy',
      '1200 requests',
      '200 keep-alive connections',
      '5 runs per mode',
    ]) {
      assert.ok(text.includes(expected), `header lacks ${expected}`);
    }
  });

  it('gives every measured mode a row with its figures', () => {
    for (const m of report.modes.filter((x) => x.available)) {
      const row = rowOf(text, m.mode);
      const run = m.medianRun;
      assert.ok(run);
      const iv = m.intervals;
      assert.ok(iv, `${m.mode} has intervals`);
      const expected = [
        fmtInterval(iv.rps, fmtRps),
        m.mode === 'single' ? '1.00× of 1 core' : `${m.speedup.toFixed(2)}× (${iv.speedup?.low.toFixed(2) ?? ''}–${iv.speedup?.high.toFixed(2) ?? ''}) of ${m.coresUsable} core`,
        fmtPercent(m.efficiency),
        fmtInterval(iv.p50, fmtMs),
        fmtInterval(iv.p99, fmtMs),
        m.perWorker.map((w) => String(w.requests)).join('/'),
        m.perWorker.map((w) => fmtSeconds(w.cpuSeconds)).join('/'),
        fmtJain(run.fairness.jain),
        `${fmtMs(run.firstVsLater.first.p99)}/${fmtMs(run.firstVsLater.later.p99)}`,
      ];
      for (const figure of expected) assert.ok(row.includes(figure), `${m.mode} row lacks ${figure}:\n${row}`);
    }
  });

  it('shows the machine limit beside the speedup', () => {
    assert.match(rowOf(text, 'single'), /1\.00× of 1 core\b/);
    assert.match(rowOf(text, 'cluster'), /1\.\d\d× \(1\.\d\d–1\.\d\d\) of 2 cores/);
    assert.match(rowOf(text, 'pm2'), /\d\.\d\d× \(\d\.\d\d–\d\.\d\d\) of 2 cores/);
  });

  it('says why an unavailable mode has no figures', () => {
    assert.match(rowOf(text, 'reuseport'), /^reuseport\s+unavailable: /);
    assert.ok(rowOf(text, 'reuseport').endsWith(`unavailable: ${REUSEPORT_REASON}`));
  });

  it('aligns the columns: header and measured rows have the same width', () => {
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('mode '));
    assert.ok(header);
    for (const m of report.modes.filter((x) => x.available)) assert.equal(rowOf(text, m.mode).length, header.length, m.mode);
    const speedupAt = header.indexOf('speedup over single (95% CI)') + 'speedup over single (95% CI)'.length;
    for (const m of report.modes.filter((x) => x.available)) {
      const row = rowOf(text, m.mode);
      assert.equal(row.slice(speedupAt - 5, speedupAt), row.includes(' cores') ? 'cores' : ' core', m.mode);
    }
  });

  it('lists the warnings and each explanation, without colour codes', () => {
    for (const w of report.warnings) assert.ok(text.includes(w));
    for (const m of report.modes.filter((x) => x.explanation)) assert.ok(text.includes(m.explanation ?? ''), m.mode);
    assert.ok(!text.includes(String.fromCharCode(27)), 'no ANSI escape codes');
  });
});

describe('formatBenchReport', () => {
  const { report, runs } = compareFixture();

  it('gives req/s and latencies as median with min–max over the repetitions', () => {
    const cluster = mode(report, 'cluster');
    const clusterRuns = runs.get('cluster') ?? [];
    const text = formatBenchReport(cluster, report.scenario, report.machine, report.warnings, clusterRuns);
    assert.ok(text.includes(`${fmtRps(cluster.rps.median)} (${fmtRps(cluster.rps.min)}–${fmtRps(cluster.rps.max)}) median (min–max)`));
    for (const r of cluster.runsRps) assert.ok(text.includes(fmtRps(r)));
    const p99s = clusterRuns.map((r) => r.latencyMs.p99);
    const p99Line = text.split('\n').find((l) => l.startsWith('p99 '));
    assert.ok(p99Line?.includes(`${fmtMs(Math.min(...p99s))}–${fmtMs(Math.max(...p99s))}`), p99Line);
    assert.ok(text.includes('min–max over 5 runs'));
    assert.ok(text.includes('Intel(R) Xeon(R) CPU @ 2.20GHz'));
    assert.ok(text.includes(cluster.explanation ?? '-'));
    for (const w of report.warnings) assert.ok(text.includes(w));
  });

  it('falls back to the median run without every run', () => {
    const pm2 = mode(report, 'pm2');
    const text = formatBenchReport(pm2, report.scenario, report.machine);
    assert.ok(text.includes('median run ms'));
    const p99Line = text.split('\n').find((l) => l.startsWith('p99 '));
    assert.ok(p99Line?.includes(fmtMs(pm2.latencyMs.p99)));
  });

  it('says why an unavailable mode was not measured', () => {
    const text = formatBenchReport(mode(report, 'reuseport'), report.scenario, report.machine);
    assert.ok(text.includes(`unavailable: ${REUSEPORT_REASON}`));
  });
});
