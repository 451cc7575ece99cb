/**
 * The pinned nginx and Prometheus images on a real engine, pulled or built as stand-ins
 * (.ci/provision-docker: Debian sid's packages): each runs the version line its tag pins
 * (nginx 1.30.x, Prometheus 3.x); its nginx accepts the lab's Docker rendering with the
 * upstream list the service writes, and the native rendering; its promtool accepts the
 * Docker rendering of prometheus.yml. Runs whenever an engine answers;
 * LAB_REQUIRE_DOCKER=1 (CI) makes "no engine" or a missing image a failure.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NGINX_CONFIG_DIR, NGINX_ENTRYPOINT } from '../../src/docker/compose.js';
import { IMAGES } from '../../src/docker/images.js';
import { paths } from '../../src/paths.js';
import { DOCKER_REPLICA_HOST, renderNginxMain, renderNginxServer } from '../../src/render/nginx.js';
import { renderPrometheusConfig, renderTargets } from '../../src/render/prometheus.js';
import { dockerEngine } from './stack.js';

const { usable, required, notRun } = await dockerEngine();

const work = mkdtempSync(join(tmpdir(), 'lab-standins-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** `docker run --rm ARGS…`: status and the output of both streams. */
function dockerRun(...args: string[]): { status: number | null; output: string } {
  const res = spawnSync('docker', ['run', '--rm', ...args], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(res.error, undefined, `docker run ${args.join(' ')}: ${String(res.error)}`);
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

/** A tag's version numbers: [1, 30, 4] for nginx:1.30.4-alpine, [3, 13, 3] for prom/prometheus:v3.13.3. */
function pinnedVersion(image: string): number[] {
  const m = /:v?(\d+)\.(\d+)\.(\d+)/.exec(image);
  assert.ok(m, `${image} pins no <major>.<minor>.<patch>`);
  return m.slice(1).map(Number);
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the pinned nginx and Prometheus images (stand-ins where they cannot be pulled)', { skip: required ? false : notRun }, () => {
  for (const image of [IMAGES.nginx, IMAGES.prometheus]) {
    it(`${image} is present (.ci/provision-docker pulls it or builds its stand-in)`, () => {
      assert.ok(usable, `LAB_REQUIRE_DOCKER=1 but ${String(notRun).replace('not run: ', '')}`);
      const res = spawnSync('docker', ['image', 'inspect', '--format', '{{index .Config.Labels "org.nodejs-clustering-lab.standin-recipe"}}', image], { encoding: 'utf8' });
      assert.equal(res.status, 0, `${image} is not present: run .ci/provision-docker`);
    });
  }

  it(`nginx in ${IMAGES.nginx} is the pinned stable line`, (t) => {
    const [major, minor] = pinnedVersion(IMAGES.nginx);
    const res = dockerRun('--entrypoint', 'nginx', IMAGES.nginx, '-v');
    assert.equal(res.status, 0, res.output);
    assert.match(res.output, new RegExp(`nginx version: nginx/${escape(`${major}.${minor}.`)}\\d+`));
    t.diagnostic(res.output.trim());
  });

  it(`prometheus and promtool in ${IMAGES.prometheus} are the pinned major version`, (t) => {
    const [major] = pinnedVersion(IMAGES.prometheus);
    for (const binary of ['/bin/prometheus', '/bin/promtool']) {
      const res = dockerRun('--entrypoint', binary, IMAGES.prometheus, '--version');
      assert.equal(res.status, 0, res.output);
      assert.match(res.output, new RegExp(`^${binary.slice(5)}, version ${String(major)}\\.\\d+\\.\\d+`));
      t.diagnostic(res.output.split('\n')[0] ?? '');
    }
  });

  it(`nginx in ${IMAGES.nginx} accepts the Docker rendering (nginx/docker/) with the upstream list the service writes`, () => {
    // The service's own entrypoint (Compose's $$ unescaped), with `nginx -t` for `nginx`.
    const [shell = '', flag = '', script = '', ...scriptArgs] = NGINX_ENTRYPOINT;
    const testScript = script.replace(/\$\$/g, '$').replace('exec nginx -c', 'exec nginx -t -c');
    assert.notEqual(testScript, script.replace(/\$\$/g, '$'), 'the entrypoint runs `exec nginx -c`');
    const res = dockerRun(
      '--add-host', `${DOCKER_REPLICA_HOST}:127.0.0.1`,
      '-v', `${join(paths.root, 'nginx', 'docker')}:${NGINX_CONFIG_DIR}:ro`,
      '--entrypoint', shell, IMAGES.nginx, flag, testScript, ...scriptArgs,
    );
    assert.equal(res.status, 0, res.output);
    assert.match(res.output, /test is successful/);
  });

  it(`nginx in ${IMAGES.nginx} accepts the native rendering too (natively the OS's nginx runs it: Debian 12's is 1.22)`, () => {
    const dir = join(work, 'nginx-native');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'default.conf'), renderNginxServer('native', 4));
    writeFileSync(join(dir, 'nginx.conf'), renderNginxMain(join(dir, 'default.conf'), dir));
    const res = dockerRun('-v', `${dir}:${dir}`, '--entrypoint', 'nginx', IMAGES.nginx, '-t', '-c', join(dir, 'nginx.conf'));
    assert.equal(res.status, 0, res.output);
    assert.match(res.output, /test is successful/);
  });

  it(`promtool in ${IMAGES.prometheus} accepts the Docker rendering of prometheus.yml and rejects a broken one`, () => {
    const dir = join(work, 'prometheus');
    mkdirSync(join(dir, 'targets'), { recursive: true });
    writeFileSync(join(dir, 'prometheus.yml'), renderPrometheusConfig('docker'));
    writeFileSync(join(dir, 'targets', 'docker.json'), renderTargets('docker', 2));
    // The image runs as nobody: the test's private folders must be readable to it.
    for (const d of [work, dir, join(dir, 'targets')]) chmodSync(d, 0o755);
    const check = (): { status: number | null; output: string } =>
      dockerRun('-v', `${dir}:/etc/prometheus:ro`, '--entrypoint', '/bin/promtool', IMAGES.prometheus, 'check', 'config', '/etc/prometheus/prometheus.yml');
    const good = check();
    assert.equal(good.status, 0, good.output);
    assert.match(good.output, /SUCCESS/);
    writeFileSync(join(dir, 'targets', 'docker.json'), '[{"targets": ["app-single:9100"], "labels": {"role": 1}}]');
    assert.notEqual(check().status, 0, 'the check reads the targets');
  });
});
