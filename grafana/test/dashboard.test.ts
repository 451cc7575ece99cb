import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { buildDashboard, DASHBOARD_FILE, DATASOURCE, renderDashboard } from '../src/dashboard.js';
import { CORES_UNIT, dashboardQueries, PANELS, panelQueries, RUN_MARKERS, TOPOLOGY_TOTAL_LEGEND, toPromQL, WORKER_LEGEND } from '../src/queries.js';

// This file runs as grafana/dist-test/test/dashboard.test.js.
const grafanaDir = fileURLToPath(new URL('../../', import.meta.url));
const committed = join(grafanaDir, 'dashboards', DASHBOARD_FILE);
/** PROMTOOL, or the promtool 3 the lab's set-up step unpacks (make setup PURPOSE=test). */
const promtool = process.env['PROMTOOL'] ?? join(grafanaDir, '..', 'tools', 'prometheus3', 'usr', 'bin', 'promtool');

interface Target {
  expr: string;
  legendFormat: string;
  datasource?: { uid?: string };
}
interface Panel {
  type: string;
  title: string;
  id: number;
  datasource?: { uid?: string };
  targets?: Target[];
}
interface Variable {
  name: string;
  query: string;
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  datasource?: { uid?: string };
}
interface DashboardJson {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

const json = (): DashboardJson => JSON.parse(readFileSync(committed, 'utf8')) as DashboardJson;
const graphs = (d: DashboardJson): Panel[] => d.panels.filter((p) => p.type !== 'row');

test('the committed dashboard JSON is what grafana/src/dashboard.ts generates (npm run generate -w grafana)', () => {
  assert.equal(readFileSync(committed, 'utf8'), renderDashboard(), `${committed} is stale: run \`npm run generate -w grafana\``);
});

test('every panel is filterable by the mode variable, per worker, and queries the provisioned datasource', () => {
  const d = json();
  const mode = d.templating.list.find((v) => v.name === 'mode');
  assert.ok(mode, 'a mode variable');
  assert.equal(mode.query, 'label_values(process_cpu_seconds_total{mode!=""}, mode)', 'modes of series that have one');
  assert.ok(mode.multi && mode.includeAll, 'mode: multi-value, with All');
  assert.equal(mode.allValue, '.*');
  assert.equal(graphs(d).length, PANELS.length);
  for (const panel of graphs(d)) {
    assert.ok(panel.targets && panel.targets.length > 0, `${panel.title}: has queries`);
    assert.equal(panel.datasource?.uid, DATASOURCE.uid, `${panel.title}: datasource uid`);
    for (const t of panel.targets) {
      assert.match(t.expr, /mode=~"\$mode"/, `${panel.title}: ${t.expr} filters by $mode`);
      assert.equal(t.datasource?.uid, DATASOURCE.uid);
    }
  }
  assert.equal(new Set(d.panels.map((p) => p.id)).size, d.panels.length, 'panel ids are unique');
});

test('app panels keep every worker apart, nginx replicas included; client panels go by test run, for k6 and the lab\'s runner alike', () => {
  for (const p of PANELS) {
    if (p.source === 'client') {
      assert.ok(p.queries.some((q) => q.source === 'k6') && p.queries.some((q) => q.source === 'runner'), `${p.title}: shows a run whichever generator ran it`);
    }
    for (const q of p.queries) {
      assert.match(q.expr, /mode!=""/, `${p.title}: no series without a mode label (All is .*, which matches none)`);
      if (q.source === 'runner') {
        assert.match(q.expr, /testid=~"\$testid"/, `${p.title}: filtered by $testid`);
        assert.match(q.expr, /job="lab-runner"/, `${p.title}: the runner's own job`);
      }
      const total = p.totalRefId === q.refId;
      if (p.source !== 'client' && p.title !== 'Worker restarts (cluster primaries)' && !total) {
        assert.match(q.expr, /by \((le, )?mode, worker, replica\)/, `${p.title}: grouped per worker and replica`);
        assert.ok(q.legend.includes(WORKER_LEGEND), `${p.title}: legend names the worker`);
      }
      if (total) assert.match(q.expr, /^sum by \(mode\) /, `${p.title}: the total is per topology`);
      if (q.source === 'k6') {
        assert.match(q.expr, /testid=~"\$testid"/, `${p.title}: filtered by $testid`);
        assert.match(q.expr, /scenario="bench"/, `${p.title}: measured requests only, not the warm-up`);
      }
    }
  }
  const cpu = PANELS.find((p) => p.title === 'CPU per process');
  assert.equal(cpu?.source, 'proc', "CPU comes from the /proc exporter, not the worker's event loop");
  assert.equal(cpu?.unit, CORES_UNIT);
  assert.equal(cpu?.axisLabel, 'cores');
  assert.deepEqual(cpu?.queries.map((q) => q.legend), [WORKER_LEGEND, TOPOLOGY_TOTAL_LEGEND], 'per process, and a total per topology');
  const built = buildDashboard().panels?.find((p) => 'title' in p && p.title === 'CPU per process') as { fieldConfig?: { defaults?: { unit?: string; custom?: { axisLabel?: string } } } } | undefined;
  assert.equal(built?.fieldConfig?.defaults?.unit, CORES_UNIT);
  assert.equal(built?.fieldConfig?.defaults?.custom?.axisLabel, 'cores');
  const latency = PANELS.find((p) => p.title.startsWith('Latency'));
  assert.deepEqual(
    latency?.queries.map((q) => /histogram_quantile\(([\d.]+),/.exec(q.expr)?.[1]),
    ['0.5', '0.9', '0.99'],
  );
  const testid = buildDashboard().templating?.list?.find((v) => v.name === 'testid');
  assert.ok(testid && testid.multi && testid.includeAll, 'a multi-value testid variable');
});

test('panelQueries() lists every expression; toPromQL() leaves no Grafana variable', () => {
  const queries = panelQueries();
  assert.equal(queries.length, PANELS.reduce((n, p) => n + p.queries.length, 0));
  assert.ok(queries.some((q) => q.source === 'k6') && queries.some((q) => q.source === 'app'));
  for (const q of queries) {
    const plain = toPromQL(q.expr, { mode: 'cluster|pm2', testid: 'cluster-.*', rateInterval: '30s' });
    assert.ok(!plain.includes('$'), `${q.panel}: ${plain}`);
  }
  assert.equal(toPromQL('rate(x{mode=~"$mode"}[$__rate_interval])'), 'rate(x{mode=~".*"}[1m])');
});

test('run markers: one annotation per marker, on the provisioned datasource, filtered by $mode, named by Prometheus labels', () => {
  const list = (json() as unknown as { annotations: { list: Record<string, unknown>[] } }).annotations.list;
  assert.deepEqual(list.map((a) => a['name']), RUN_MARKERS.map((m) => m.name));
  for (const a of list) {
    assert.equal((a['datasource'] as { uid: string }).uid, DATASOURCE.uid);
    assert.equal(a['enable'], true, `${String(a['name'])}: shown by default`);
    assert.match(String(a['expr']), /mode=~"\$mode"/);
    assert.match(String(a['expr']), /> 0$/, 'only the stretches with load become regions');
    for (const label of String(a['tagKeys']).split(',')) assert.match(String(a['expr']), new RegExp(`by \\([^)]*\\b${label}\\b`), `${String(a['name'])}: tag ${label} is a label the query keeps`);
    assert.match(String(a['titleFormat']), /\{\{(mode|testid)\}\}/);
  }
  const k6 = RUN_MARKERS.find((m) => m.source === 'k6');
  assert.match(k6?.expr ?? '', /testid=~"\$testid"/, 'k6 runs follow the testid variable');
});

test('every expression is valid PromQL for Prometheus 3 (promtool 3 check rules)', () => {
  const version = spawnSync(promtool, ['--version'], { encoding: 'utf8' });
  assert.equal(version.error, undefined, `${promtool} did not run (make setup PURPOSE=test unpacks it): ${String(version.error)}`);
  assert.match(version.stdout, /^promtool, version 3\./, 'the pinned image is Prometheus 3: the queries are checked by its promtool');
  const dir = mkdtempSync(join(tmpdir(), 'lab-grafana-'));
  try {
    const rules = dashboardQueries().map((q, i) => `      - record: lab:panel_${i}\n        expr: ${JSON.stringify(toPromQL(q.expr))}`);
    const file = join(dir, 'rules.yml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
    const res = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
    assert.equal(res.error, undefined, `${promtool} did not run (install Prometheus): ${String(res.error)}`);
    assert.equal(res.status, 0, `${res.stdout}${res.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
