/**
 * The real nginx and promtool check the real files, as each runtime renders them:
 * the machine's nginx (Debian 12: 1.22, which the template must keep running on) and
 * the promtool 3 the set-up step unpacks (Prometheus 3, the pinned image's major).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { after, test } from 'node:test';
import { DOCKER_REPLICA_HOST, DOCKER_UPSTREAMS_FILE, dockerUpstreamServers, renderNginxMain, renderNginxServer } from '../../src/render/nginx.js';
import { paths } from '../../src/paths.js';
import { renderPrometheusConfig, renderTargets, type Runtime } from '../../src/render/prometheus.js';

const work = mkdtempSync(join(tmpdir(), 'lab-docker-bin-'));
after(() => rmSync(work, { recursive: true, force: true }));

const NGINX = process.env['NGINX'] ?? '/usr/sbin/nginx';
const PROMTOOL = process.env['PROMTOOL'] ?? paths.promtool3;

function writeNginx(runtime: Runtime, workers: number): string {
  const dir = join(work, `nginx-${runtime}-${workers}`);
  mkdirSync(dir, { recursive: true });
  const server = join(dir, 'default.conf');
  writeFileSync(server, renderNginxServer(runtime, workers));
  const main = join(dir, 'nginx.conf');
  writeFileSync(main, renderNginxMain(server, dir));
  return main;
}

function nginxTest(args: string[], shell?: string): { status: number | null; output: string } {
  const res = shell === undefined
    ? spawnSync(NGINX, ['-t', ...args], { encoding: 'utf8' })
    : spawnSync('unshare', ['--mount', 'sh', '-c', shell], { encoding: 'utf8' });
  assert.equal(res.error, undefined, `could not run ${shell === undefined ? NGINX : 'unshare'}: ${String(res.error)}`);
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

test('nginx -t accepts the template rendered for the native runtime', () => {
  for (const workers of [1, 4]) {
    const res = nginxTest(['-c', writeNginx('native', workers)]);
    assert.equal(res.status, 0, res.output);
    assert.match(res.output, /test is successful/);
  }
});

test(`nginx -t accepts the template rendered for Docker, with its upstream list (${DOCKER_REPLICA_HOST} resolving in a private mount namespace)`, () => {
  const main = writeNginx('docker', 2);
  // nginx resolves upstream names at load. Only inside this unshare'd mount namespace
  // does /etc/hosts (bind-mounted over) know the replicas' name, and does /etc/nginx
  // (a folder of the test's, bind-mounted over) hold the upstream list the nginx
  // service writes at start; nothing else changes.
  const hosts = join(work, 'hosts');
  writeFileSync(hosts, `${readFileSync('/etc/hosts', 'utf8')}\n127.0.0.2 ${DOCKER_REPLICA_HOST}\n`);
  const etcNginx = join(work, 'etc-nginx');
  const upstreams = join(etcNginx, relative('/etc/nginx', DOCKER_UPSTREAMS_FILE));
  mkdirSync(dirname(upstreams), { recursive: true });
  writeFileSync(upstreams, `${dockerUpstreamServers().join('\n')}\n`);
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const res = nginxTest(
    [],
    `mount --bind ${quote(hosts)} /etc/hosts && mount --bind ${quote(etcNginx)} /etc/nginx && exec ${quote(NGINX)} -t -c ${quote(main)}`,
  );
  assert.equal(res.status, 0, `${res.output}\n(the test needs root for unshare --mount)`);
  assert.match(res.output, /test is successful/);
  assert.doesNotMatch(readFileSync('/etc/hosts', 'utf8'), new RegExp(`\\s${DOCKER_REPLICA_HOST}\\b`), "the machine's /etc/hosts is untouched");
});

test('promtool is Prometheus 3 (the pinned image\'s major version), not the OS package\'s 2.x', () => {
  const res = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
  assert.equal(res.error, undefined, `could not run ${PROMTOOL} (make setup PURPOSE=test unpacks it): ${String(res.error)}`);
  assert.match(res.stdout, /^promtool, version 3\.\d+\.\d+/);
});

test('promtool check config accepts both renderings of prometheus.yml with their generated targets', () => {
  for (const runtime of ['native', 'docker'] as const) {
    for (const workers of [1, 2, 8]) {
      const dir = join(work, `prometheus-${runtime}-${workers}`);
      mkdirSync(join(dir, 'targets'), { recursive: true });
      writeFileSync(join(dir, 'prometheus.yml'), renderPrometheusConfig(runtime));
      writeFileSync(join(dir, 'targets', `${runtime}.json`), renderTargets(runtime, workers));
      const res = spawnSync(PROMTOOL, ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      assert.equal(res.error, undefined, `could not run ${PROMTOOL}: ${String(res.error)}`);
      assert.equal(res.status, 0, `${runtime}, WORKERS=${workers}:\n${res.stdout}${res.stderr}`);
    }
  }
});

test('promtool rejects a broken targets file (the check reads them)', () => {
  const dir = join(work, 'prometheus-broken');
  mkdirSync(join(dir, 'targets'), { recursive: true });
  writeFileSync(join(dir, 'prometheus.yml'), renderPrometheusConfig('docker'));
  writeFileSync(join(dir, 'targets', 'docker.json'), '[{"targets": ["app-single:9100"], "labels": {"role": 1}}]');
  const res = spawnSync(PROMTOOL, ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
  assert.notEqual(res.status, 0);
});
