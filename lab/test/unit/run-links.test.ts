/** The link a bench or compare prints: the run's time range and topologies, on what runs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grafanaRunLink, prometheusRunLink, runLinkLine } from '../../src/report/run-links.js';

const from = new Date('2026-12-04T10:00:00Z');
const to = new Date('2026-12-04T10:00:30Z');

test('Grafana: the dashboard, the run\'s time range with a margin, one var-mode per topology', () => {
  const link = new URL(grafanaRunLink('http://localhost:3000', from, to, ['single', 'cluster']));
  assert.equal(link.pathname, '/d/nodejs-clustering-lab/');
  assert.equal(Number(link.searchParams.get('from')), from.getTime() - 5000);
  assert.equal(Number(link.searchParams.get('to')), to.getTime() + 5000);
  assert.deepEqual(link.searchParams.getAll('var-mode'), ['single', 'cluster']);
});

test("Prometheus: the runner's requests of those topologies over the run", () => {
  const link = new URL(prometheusRunLink('http://127.0.0.1:9090', from, to, ['pm2']));
  assert.equal(link.pathname, '/api/v1/query_range');
  assert.match(link.searchParams.get('query') ?? '', /lab_client_requests_total\{mode=~"pm2"\}/);
  assert.equal(link.searchParams.get('start'), '2026-12-04T09:59:55.000Z');
  assert.equal(link.searchParams.get('end'), '2026-12-04T10:00:35.000Z');
});

test('the line names what runs: Grafana first, else Prometheus, else the command that records the next run', () => {
  assert.match(runLinkLine({ grafana: 'http://g', prometheus: 'http://p' }, from, to, ['single']), /^this run in Grafana: http:\/\/g\/d\//);
  assert.match(runLinkLine({ grafana: null, prometheus: 'http://p' }, from, to, ['single']), /^this run's request rate in Prometheus \(JSON, as no Grafana runs here\): http:\/\/p\/api\/v1\/query_range\?/);
  assert.match(runLinkLine({ grafana: null, prometheus: null }, from, to, ['single']), /`make up` first/);
});
