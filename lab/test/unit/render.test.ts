import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOCKER_REPLICA_HOST, DOCKER_UPSTREAMS_FILE, dockerUpstreamServers, nginxVariables, renderNginxServer, substitute } from '../../src/render/nginx.js';
import { renderPrometheusConfig, scrapeTargets, APP_JOBS, DOCKER_ONLY_JOB, PROC_EXPORTER_SERVICE, PROC_JOB, RUNNER_JOB, SELF_JOB } from '../../src/render/prometheus.js';
import { parse } from 'yaml';
import { RUNNER_SERVICE } from '../../src/docker/compose.js';
import { CONTAINER_METRICS_PORT, NGINX_UPSTREAM_PORT, PROC_EXPORTER_PORT, PROMETHEUS_PORT, RUNNER_METRICS_PORT, TOPOLOGIES, topology } from '../../src/topologies.js';

test('topologies: ports are unique and metrics blocks never overlap', () => {
  const appPorts = TOPOLOGIES.map((t) => t.port);
  assert.equal(new Set(appPorts).size, appPorts.length);
  const blocks = TOPOLOGIES.map((t) => t.metricsPort).sort((a, b) => a - b);
  for (let i = 1; i < blocks.length; i++) assert.ok((blocks[i] ?? 0) - (blocks[i - 1] ?? 0) >= 100);
});

test('substitute replaces only the variables it is given, like envsubst with a filter', () => {
  assert.equal(substitute('listen ${A}; proxy_set_header Host $host; ${B}', { A: '80' }), 'listen 80; proxy_set_header Host $host; ${B}');
});

test('nginx native rendering lists one upstream server per instance', () => {
  const conf = renderNginxServer('native', 3);
  for (let i = 0; i < 3; i++) assert.ok(conf.includes(`server 127.0.0.1:${NGINX_UPSTREAM_PORT + i};`));
  assert.ok(conf.includes('listen 3004;'));
  assert.ok(conf.includes('least_conn;'));
  assert.ok(!/\$\{[A-Z0-9_]+\}/.test(conf), 'no variable left');
  assert.ok(conf.includes('$host'), "nginx's own variables stay");
});

test('nginx native rendering marks the upstreams taken out of rotation down, and only those', () => {
  const conf = renderNginxServer('native', 3, { down: [1] });
  assert.ok(conf.includes(`server 127.0.0.1:${NGINX_UPSTREAM_PORT + 1} down;`));
  assert.ok(conf.includes(`server 127.0.0.1:${NGINX_UPSTREAM_PORT};`));
  assert.ok(conf.includes(`server 127.0.0.1:${NGINX_UPSTREAM_PORT + 2};`));
});

test('nginx docker rendering includes the upstream list, which names the replicas by DNS name unless a replica is out of rotation', () => {
  const vars = nginxVariables('docker', 4);
  assert.equal(vars.NGINX_UPSTREAM_SERVERS, `include ${DOCKER_UPSTREAMS_FILE};`);
  assert.equal(vars.NGINX_LISTEN_PORT, '3000');
  assert.deepEqual(dockerUpstreamServers(), ['server app-replica:3000;']);
  assert.deepEqual(
    dockerUpstreamServers([
      { address: '172.18.0.5', down: false },
      { address: '172.18.0.6', down: true },
    ]),
    ['server 172.18.0.5:3000;', 'server 172.18.0.6:3000 down;'],
  );
});

test('native targets cover every worker of every topology and the cluster primaries', () => {
  const groups = scrapeTargets('native', 2);
  const all = groups.flatMap((g) => g.targets);
  assert.equal(new Set(all).size, all.length, 'no target twice');
  for (const t of TOPOLOGIES) {
    const workers = groups.filter((g) => g.labels['topology'] === t.mode && g.labels['role'] === 'worker').flatMap((g) => g.targets);
    const expected = t.multiProcess ? [`127.0.0.1:${t.metricsPort}`, `127.0.0.1:${t.metricsPort + 1}`] : [`127.0.0.1:${t.metricsPort}`];
    assert.deepEqual(workers, t.requires === 'container-replicas' ? [] : expected, `${t.mode}: replicas never run natively`);
  }
  assert.ok(all.includes('127.0.0.1:9202'), 'cluster primary right after its 2 workers');
});

test('docker targets: containers by service name; replicas left to DNS discovery', () => {
  const groups = scrapeTargets('docker', 3);
  const all = groups.flatMap((g) => g.targets);
  assert.ok(all.includes('app-cluster:9100') && all.includes('app-cluster:9102') && all.includes('app-cluster:9103'));
  assert.ok(!all.some((a) => a.startsWith('nginx') || a.startsWith('app-replica')));
});

test('the native Prometheus config is the shared file less the DNS job', () => {
  const docker = parse(renderPrometheusConfig('docker')) as { scrape_configs: { job_name: string }[] };
  const native = parse(renderPrometheusConfig('native')) as { scrape_configs: { job_name: string }[] };
  assert.ok(docker.scrape_configs.some((j) => j.job_name === DOCKER_ONLY_JOB));
  assert.deepEqual(
    native.scrape_configs.map((j) => j.job_name),
    docker.scrape_configs.map((j) => j.job_name).filter((j) => j !== DOCKER_ONLY_JOB),
  );
});

test("Prometheus' own target is the lab's Prometheus port in both renderings", () => {
  for (const runtime of ['docker', 'native'] as const) {
    const config = parse(renderPrometheusConfig(runtime)) as { scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] };
    const self = config.scrape_configs.find((j) => j.job_name === SELF_JOB);
    const target = self?.static_configs?.[0]?.targets[0] ?? '';
    assert.equal(target.split(':')[1], String(PROMETHEUS_PORT), runtime);
    if (runtime === 'native') assert.equal(target, `127.0.0.1:${PROMETHEUS_PORT}`);
  }
});

test("the Docker-only DNS job asks for nginx's replicas and the replicas topology's, on their metrics port", () => {
  const config = parse(renderPrometheusConfig('docker')) as { scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; port: number }[] }[] };
  const dns = config.scrape_configs.find((j) => j.job_name === DOCKER_ONLY_JOB)?.dns_sd_configs?.[0];
  assert.deepEqual(dns?.names, [DOCKER_REPLICA_HOST, topology('replicas').service]);
  assert.equal(dns?.port, CONTAINER_METRICS_PORT);
});

test("the runner's job: Docker reaches the runner container on RUNNER_METRICS_PORT, natively the lab's own process", () => {
  type Job = { job_name: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; port: number }[] };
  const docker = (parse(renderPrometheusConfig('docker')) as { scrape_configs: Job[] }).scrape_configs.find((j) => j.job_name === RUNNER_JOB);
  assert.deepEqual(docker?.static_configs, [{ targets: [`${RUNNER_SERVICE}:${RUNNER_METRICS_PORT}`] }]);
  const native = (parse(renderPrometheusConfig('native')) as { scrape_configs: Job[] }).scrape_configs.find((j) => j.job_name === RUNNER_JOB);
  assert.deepEqual(native?.static_configs, [{ targets: [`127.0.0.1:${RUNNER_METRICS_PORT}`] }]);
  assert.equal(native?.dns_sd_configs, undefined);
});

test('the /proc exporter is scraped every second at its service (Docker) or 127.0.0.1 (native); the app jobs get 2 s to answer', () => {
  type Job = { job_name: string; scrape_interval?: string; scrape_timeout?: string; static_configs?: { targets: string[] }[] };
  for (const runtime of ['docker', 'native'] as const) {
    const config = parse(renderPrometheusConfig(runtime)) as { global: { scrape_interval: string }; scrape_configs: Job[] };
    const proc = config.scrape_configs.find((j) => j.job_name === PROC_JOB);
    const host = runtime === 'docker' ? PROC_EXPORTER_SERVICE : '127.0.0.1';
    assert.deepEqual(proc?.static_configs?.[0]?.targets, [`${host}:${PROC_EXPORTER_PORT}`], runtime);
    assert.equal(proc?.scrape_interval ?? config.global.scrape_interval, '1s');
    for (const job of config.scrape_configs.filter((j) => APP_JOBS.includes(j.job_name))) {
      assert.equal(job.scrape_timeout, '2s', `${runtime} ${job.job_name}: timeout`);
      assert.equal(job.scrape_interval, job.scrape_timeout, `${runtime} ${job.job_name}: a timeout cannot exceed the interval`);
    }
  }
});
