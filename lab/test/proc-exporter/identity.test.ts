import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identify, parseEnviron, type ProcEntry } from '../../src/proc-exporter/identity.js';
import { renderMetrics } from '../../src/proc-exporter/exposition.js';
import { parseOptions, UsageError } from '../../src/proc-exporter/options.js';

const entry = (env: Record<string, string>, argv = ['node', '/app/dist/server.js'], exe = '/usr/local/bin/node'): ProcEntry => ({
  env: new Map(Object.entries({ LAB_STACK: 'lab', ...env })),
  argv,
  exe,
});

test('environ: NUL-separated pairs, values may hold "="', () => {
  assert.deepEqual([...parseEnviron('A=1\0B=x=y\0\0')], [['A', '1'], ['B', 'x=y']]);
});

test('each process model is named by mode and worker, as its own metrics are', () => {
  assert.deepEqual(identify(entry({ LAB_MODE: 'single' }), 'lab'), { mode: 'single', worker: '0', replica: '' });
  assert.deepEqual(identify(entry({ LAB_MODE: 'cluster' }, ['node', '/app/dist/primary.js']), 'lab'), { mode: 'cluster', worker: 'primary', replica: '' });
  assert.deepEqual(identify(entry({ LAB_MODE: 'cluster-none', CLUSTER_WORKER_SLOT: '1' }), 'lab'), { mode: 'cluster-none', worker: '1', replica: '' });
  assert.deepEqual(identify(entry({ LAB_MODE: 'pm2' }, ['node', '/x/pm2-runtime', 'start']), 'lab'), { mode: 'pm2', worker: 'pm2', replica: '' });
  const pm2Env = JSON.stringify({ instance_var: 'NODE_APP_INSTANCE', NODE_APP_INSTANCE: 1, pm_id: 3 });
  assert.deepEqual(identify(entry({ LAB_MODE: 'pm2', pm2_env: pm2Env }), 'lab'), { mode: 'pm2', worker: '1', replica: '' });
  assert.deepEqual(identify(entry({ LAB_MODE: 'reuseport', WORKER_INDEX: '2' }), 'lab'), { mode: 'reuseport', worker: '2', replica: '' });
  // nginx's Docker replicas are all worker 0: their container's host name keeps them apart.
  assert.deepEqual(identify(entry({ LAB_MODE: 'nginx', HOSTNAME: 'c0ffee' }), 'lab'), { mode: 'nginx', worker: '0', replica: 'c0ffee' });
  assert.deepEqual(identify(entry({ LAB_MODE: 'nginx', WORKER_INDEX: '1', HOSTNAME: 'host' }), 'lab'), { mode: 'nginx', worker: '1', replica: '' });
});

test("another stack's processes, health checks (node -e), shells and unknown modes are not reported", () => {
  assert.equal(identify(entry({ LAB_MODE: 'single' }), 'other'), null);
  assert.equal(identify(entry({ LAB_MODE: 'single', LAB_STACK: '' }), 'lab'), null);
  assert.equal(identify(entry({ LAB_MODE: 'single' }, ['node', '-e', 'fetch()']), 'lab'), null);
  assert.equal(identify(entry({ LAB_MODE: 'nginx' }, ['sh', '-c', 'x'], '/bin/dash'), 'lab'), null);
  assert.equal(identify(entry({ LAB_MODE: 'bogus' }), 'lab'), null);
});

test('exposition: one counter series per process, pid and replica labels, and a process count', () => {
  const text = renderMetrics([
    { pid: 7, mode: 'nginx', worker: '0', replica: 'c0ffee', cpuSeconds: 1.5 },
    { pid: 9, mode: 'cluster', worker: 'primary', replica: '', cpuSeconds: 0.25 },
  ]);
  assert.match(text, /^# TYPE lab_process_cpu_seconds_total counter$/m);
  assert.match(text, /^lab_process_cpu_seconds_total\{mode="nginx",worker="0",pid="7",replica="c0ffee"\} 1\.5$/m);
  assert.match(text, /^lab_process_cpu_seconds_total\{mode="cluster",worker="primary",pid="9"\} 0\.25$/m);
  assert.match(text, /^lab_processes 2$/m);
});

test('options: --stack is required, the port defaults to 9256, anything else is refused', () => {
  assert.deepEqual(parseOptions(['--stack', 'native']), { stack: 'native', host: '127.0.0.1', port: 9256 });
  assert.throws(() => parseOptions([]), UsageError);
  assert.throws(() => parseOptions(['--stack', 'x', '--port', '0']), UsageError);
  assert.throws(() => parseOptions(['--stack', 'x', '--verbose']), UsageError);
});
