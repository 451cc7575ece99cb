import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunResult } from '../../src/model/report-model.js';
import { parseCliArgs } from '../../src/runner/runner-cli-args.js';
import { startServer } from './servers.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../src/runner/runner-cli.js', import.meta.url));

test('parses the flags, with defaults', () => {
  assert.deepEqual(parseCliArgs(['--url', 'http://127.0.0.1:3001/heavy', '-n', '1200', '-c', '200']), {
    kind: 'run',
    options: { url: 'http://127.0.0.1:3001/heavy', requests: 1200, concurrency: 200, timeoutMs: 30_000, warmup: 0, keepAlive: true, json: undefined, metrics: [], exportMetrics: undefined, spreadDns: false },
  });
  assert.deepEqual(
    parseCliArgs(['--url=http://h/x', '--requests=5', '--concurrency', '2', '--timeout-ms', '100', '--warmup', '3', '--no-keepalive', '--json', 'o.json', '--spread-dns']),
    { kind: 'run', options: { url: 'http://h/x', requests: 5, concurrency: 2, timeoutMs: 100, warmup: 3, keepAlive: false, json: 'o.json', metrics: [], exportMetrics: undefined, spreadDns: true } },
  );
  assert.deepEqual(parseCliArgs(['-h']), { kind: 'help' });
  const exported = parseCliArgs(['--url', 'http://h/x', '-n', '5', '-c', '1', '--export-metrics', '9700', '--mode', 'pm2', '--testid', 'pm2-2026-12-04T10-00-00Z-r1']);
  assert.deepEqual(exported.kind === 'run' ? exported.options.exportMetrics : exported, { port: 9700, mode: 'pm2', testid: 'pm2-2026-12-04T10-00-00Z-r1' });
});

test('--export-metrics takes its labels, and only with the closed loop', () => {
  const base = ['--url', 'http://h/x', '-n', '5', '-c', '1'];
  for (const [args, message] of [
    [[...base, '--export-metrics', '9700'], /^--mode is required with --export-metrics/],
    [[...base, '--export-metrics', '9700', '--mode', 'pm2'], /^--testid is required with --export-metrics/],
    [[...base, '--mode', 'pm2'], /^--mode and --testid label --export-metrics/],
    [[...base, '--export-metrics', '70000', '--mode', 'pm2', '--testid', 't'], /^--export-metrics: expected a port from 1 to 65535/],
    [['--url', 'http://h/x', '--rate', '5', '--duration-ms', '100', '--connections', '1', '--export-metrics', '9700'], /^--export-metrics is not accepted with --rate/],
  ] as const) {
    const parsed = parseCliArgs([...args]);
    assert.equal(parsed.kind, 'error', args.join(' '));
    if (parsed.kind === 'error') assert.match(parsed.message, message);
  }
});

test('a bad argument gives one line naming the flag and what it accepts', () => {
  const cases: [string[], RegExp][] = [
    [['-n', '10', '-c', '2'], /^--url is required: an http/],
    [['--url', 'localhost:3000', '-n', '1', '-c', '1'], /^--url: expected an http:\/\/ or https:\/\/ URL/],
    [['--url', 'http://h/', '-c', '1'], /^-n\/--requests is required: an integer >= 1$/],
    [['--url', 'http://h/', '-n', 'many', '-c', '1'], /^-n\/--requests: expected an integer >= 1, got "many"$/],
    [['--url', 'http://h/', '-n', '0', '-c', '1'], /^-n\/--requests: expected an integer >= 1, got "0"$/],
    [['--url', 'http://h/', '-n', '1', '-c', '1.5'], /^-c\/--concurrency: expected an integer >= 1, got "1.5"$/],
    [['--url', 'http://h/', '-n', '1', '-c', '1', '--timeout-ms', '0'], /^--timeout-ms: expected an integer >= 1/],
    [['--url', 'http://h/', '-n', '1', '-c', '1', '--bogus'], /^unknown flag --bogus \(accepted: --url, /],
    [['--url'], /^--url: needs a value$/],
    [['--url', 'http://h/', '-n', '1', '-c', '1', '--no-keepalive=yes'], /^--no-keepalive: takes no value$/],
    [['--url', 'http://h/', '-n', '1', '-c', '1', 'extra'], /^unexpected argument "extra"/],
  ];
  for (const [argv, expected] of cases) {
    const parsed = parseCliArgs(argv);
    assert.equal(parsed.kind, 'error', argv.join(' '));
    if (parsed.kind === 'error') {
      assert.match(parsed.message, expected);
      assert.ok(!parsed.message.includes('\n'));
    }
  }
});

test('the CLI exits 2 on a bad flag, with one line on stderr', { timeout: 30_000 }, async () => {
  const failed = await run(process.execPath, [CLI, '--url', 'http://127.0.0.1:1/', '-n', 'x', '-c', '1']).then(
    () => assert.fail('expected exit code 2'),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  assert.equal(failed.code, 2);
  assert.equal(failed.stdout, '');
  assert.equal(failed.stderr, 'runner: -n/--requests: expected an integer >= 1, got "x"\n');
});

test('the CLI prints the seed block and writes the JSON result', { timeout: 30_000 }, async (t) => {
  const server = await startServer((_req, res) => res.end('ok'));
  t.after(() => server.close());
  const dir = await mkdtemp(join(tmpdir(), 'runner-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, 'out.json');
  const { stdout, stderr } = await run(process.execPath, [CLI, '--url', server.url('/heavy'), '-n', '40', '-c', '4', '--warmup', '8', '--json', out]);
  assert.equal(stderr, '', 'no progress bar when stderr is not a TTY');
  assert.match(stdout, /^Target URL: {10}http:\/\/127\.0\.0\.1:\d+\/heavy\n/);
  assert.match(stdout, /\nCompleted requests: {2}40\nTotal errors: {8}0\n/);
  assert.match(stdout, /\n 100% {6}[\d.]+ ms \(longest request\)\n$/);
  assert.equal(server.counts.requests, 48, 'warm-up plus measured requests');
  const { result, workers } = JSON.parse(await readFile(out, 'utf8')) as { result: RunResult; workers: unknown[] };
  assert.deepEqual(workers, [], 'no --metrics: no worker figures');
  assert.equal(result.completed, 40);
  assert.equal(result.connections.length, 4);
});
